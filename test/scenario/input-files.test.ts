import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MergeError, readPart } from '../../src/sweep/merge.js';
import { ScenarioError, type ScenarioIssue } from '../../src/scenario/errors.js';
import { loadScenarioFile, MAX_SCENARIO_BYTES, parseScenarioText } from '../../src/scenario/load.js';

/** A small valid scenario. */
const BASE = `name: base
upstream:
  models:
    sonnet: { errors: { rate: 4% } }
workload:
  tenants: { app: 1 }
  tools: { search: 0.5 }
layers:
  retry:
    maxAttempts: 3
`;

/** A file that parses as a YAML mapping of its own lines: it must never be echoed back. */
const SECRET = 'root:$6$s3cr3tHash$abcdefghijklmnop:20228:0:99999:7:::\nAPI_KEY: sk-live-0123456789abcdef\n';

let dir = '';
let fifo = '';
let socketPath = '';
let server: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-inputs-'));
  fifo = join(dir, 'fifo.yaml');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  socketPath = join(dir, 'socket.yaml');
  server = createServer();
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The issues loading `file` (or parsing `text` as `file`) reports; fails if it loads. */
function issuesOf(load: () => unknown): ScenarioIssue[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}

/** The one-line messages of loading `file`. */
const messagesOf = (file: string) => issuesOf(() => loadScenarioFile(file)).map((issue) => new ScenarioError([issue]).message);

describe('only regular files are read as scenarios, bases and parts', () => {
  // [what, path, expected message]: each refused at once, without reading (no hang on a
  // FIFO with no writer, no endless read of /dev/zero).
  const special: [string, () => string, string][] = [
    ['/dev/zero', () => '/dev/zero', 'expected a scenario, got a character device'],
    ['/dev/urandom', () => '/dev/urandom', 'expected a scenario, got a character device'],
    ['a FIFO with no writer', () => fifo, 'expected a scenario, got a FIFO (named pipe)'],
    ['a directory', () => dir, 'expected a scenario, got a directory'],
    ['a socket', () => socketPath, 'expected a file, got a socket or device with nothing behind it'],
  ];

  it.each(special)('refuses %s as a scenario', (_, path, message) => {
    expect(messagesOf(path())).toEqual([`${path()}: ${message}`]);
  });

  it.each(special)('refuses %s as an extends base, at the extends key', (_, path, message) => {
    const child = join(dir, `extends-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(child, `extends: ${path()}\nname: child\n`);
    expect(messagesOf(child)).toEqual([`${child}:1:10 extends: expected a readable base scenario, got ${JSON.stringify(path())}: ${path()} ${message}`]);
  });

  it('refuses a scenario over the size cap from its size, without reading it', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 10 * 1024 * 1024 * 1024); // a sparse 10 GiB file: reading it would take minutes
    expect(messagesOf(big)).toEqual([`${big}: expected a scenario under ${MAX_SCENARIO_BYTES} bytes, got a file of ${10 * 1024 ** 3} bytes`]);
  });

  it.each([
    ['/dev/zero', () => '/dev/zero', 'a character device'],
    ['a FIFO', () => fifo, 'a FIFO (named pipe)'],
    ['a directory', () => dir, 'a directory'],
  ])('refuses %s as a merge part', (_, path, kind) => {
    expect(() => readPart(path())).toThrow(new MergeError(`merge: ${path()}: expected a sweep part, got ${kind}`));
  });

  it('refuses a merge part over 64 MiB from its size', () => {
    const part = join(dir, 'huge-part.json');
    writeFileSync(part, '');
    truncateSync(part, 65 * 1024 * 1024);
    expect(() => readPart(part)).toThrow(/^merge: .*huge-part\.json: expected a sweep part under 67108864 bytes, got a file of 68157440 bytes$/);
  });
});

describe('a file that is not a scenario is refused without echoing it', () => {
  it('refuses a base with no scenario key, quoting only the extends value', () => {
    const secret = join(dir, 'shadow');
    writeFileSync(secret, SECRET);
    const child = join(dir, 'extends-secret.yaml');
    writeFileSync(child, 'extends: ./shadow\nname: child\n');
    const messages = messagesOf(child);
    expect(messages).toEqual([
      `${child}:1:10 extends: expected a base scenario, got "./shadow", a file with none of a scenario's top-level keys (workload, upstream, layers, ...)`,
    ]);
  });

  it('refuses such a file given as the scenario itself, in one line', () => {
    const secret = join(dir, 'env');
    writeFileSync(secret, SECRET);
    const messages = messagesOf(secret);
    expect(messages).toEqual([`${secret}: expected a scenario (top-level keys such as workload, upstream, layers), got a mapping with none of them; is this the right file?`]);
    expect(messages.join('\n')).not.toMatch(/s3cr3t|sk-live|API_KEY/);
  });

  it('keeps "did you mean" for a scenario whose keys are all misspelt', () => {
    const issues = issuesOf(() => parseScenarioText('upstrem:\n  models: {}\n', 'typo.yaml'));
    expect(issues.map((i) => i.message).join('\n')).toContain('did you mean "upstream"');
  });

  it('quotes no line of a base that fails to parse as YAML, and at most 40 characters of a duplicated key', () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'password: [hunter2-secret-value\nmore: secret\n');
    const child = join(dir, 'extends-broken.yaml');
    writeFileSync(child, 'extends: broken.yaml\n');
    expect(messagesOf(child).join('\n')).not.toMatch(/hunter2|secret/);
    const key = `k${'x'.repeat(300)}`;
    const [duplicate] = issuesOf(() => parseScenarioText(`${key}: 1\n${key}: 2\n`, 'dup.yaml'));
    expect(duplicate!.message).toBe(`duplicate key: expected each key once in a mapping, got "${key.slice(0, 37)}..." a second time`);
  });
});

describe('reserved JavaScript keys are refused where they are written', () => {
  it.each([
    ['a model', BASE.replace('    sonnet: {', '    __proto__: {'), 'upstream.models.__proto__', 4, 5],
    ['a tenant', BASE.replace('{ app: 1 }', '{ constructor: 1 }'), 'workload.tenants.constructor', 6, 14],
    ['a tool', BASE.replace('{ search: 0.5 }', '{ prototype: 0.5 }'), 'workload.tools.prototype', 7, 12],
    ['an SLO', `${BASE}slo:\n  __proto__: < 1%\n`, 'slo.__proto__', 12, 3],
    ['an error-mix key', BASE.replace('rate: 4% }', 'rate: 4%, mix: { constructor: 1 } }'), 'upstream.models.sonnet.errors.constructor', 4, 0],
    ['a top-level key', `prototype: 1\n${BASE}`, 'prototype', 1, 1],
  ])('refuses one as %s, with its position', (_, text, key, line, column) => {
    const issues = issuesOf(() => parseScenarioText(text, 'x.yaml'));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.key.replace('.mix', '')).toBe(key);
    expect(issues[0]!.line).toBe(line);
    if (column > 0) expect(issues[0]!.column).toBe(column);
    expect(issues[0]!.message).toMatch(/^expected a name other than __proto__, constructor, prototype \(reserved in JavaScript\), got "(__proto__|constructor|prototype)"$/);
  });

  it('refuses one in a --set path', () => {
    const issues = issuesOf(() => parseScenarioText(BASE, 'x.yaml', { overrides: ['upstream.models.__proto__.errors.rate=5%'] }));
    expect(issues).toEqual([{ file: '--set', key: 'upstream.models.__proto__.errors.rate', message: 'expected a name other than __proto__, constructor, prototype (reserved in JavaScript), got "__proto__"' }]);
  });
});

describe('line breaks and byte-order marks', () => {
  it('reads bare-CR and CRLF line breaks as LF, and a BOM as nothing', () => {
    const lf = parseScenarioText(BASE, 'x.yaml');
    expect(parseScenarioText(BASE.replace(/\n/g, '\r'), 'x.yaml')).toEqual(lf);
    expect(parseScenarioText(BASE.replace(/\n/g, '\r\n'), 'x.yaml')).toEqual(lf);
    expect(parseScenarioText(`\uFEFF${BASE}`, 'x.yaml')).toEqual(lf);
  });

  it('positions an error on the right line and column in a bare-CR file with a BOM', () => {
    const text = `\uFEFF${BASE.replace('maxAttempts: 3', 'maxAttempts: three')}`.replace(/\n/g, '\r');
    const [issue] = issuesOf(() => parseScenarioText(text, 'mac.yaml'));
    expect(issue).toMatchObject({ line: 10, column: 18, key: 'layers.retry.maxAttempts' });
  });

  it('reads a file saved with a BOM and CR line breaks from disk', () => {
    const file = join(dir, 'bom.yaml');
    writeFileSync(file, `\uFEFF${BASE}`.replace(/\n/g, '\r'));
    expect(loadScenarioFile(file).scenario.name).toBe('base');
  });
});
