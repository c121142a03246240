import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { ScenarioError, type ScenarioIssue } from '../../src/scenario/errors.js';
import { parseScenarioText } from '../../src/scenario/load.js';

/** A small valid scenario; each case below breaks one thing in it. */
const BASE = `name: base
upstream:
  models:
    haiku: { errors: { rate: 4% } }
    sonnet: {}
layers:
  retry:
    maxAttempts: 3
    baseDelay: 250ms
  breaker:
    failureRateThreshold: 25%
  routing:
    tiers: { trivial: haiku, standard: sonnet, complex: sonnet }
`;

/**
 * The CPU time (user + system, ms) this process spends in `work`. Unlike wall-clock time it
 * does not grow when other processes load the machine, so a bound on it catches a hang or a
 * blow-up (seconds of work) without failing on a busy CI runner.
 */
function cpuMs<T>(work: () => T): { value: T; ms: number } {
  const before = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(before);
  return { value, ms: (used.user + used.system) / 1000 };
}

/**
 * Most cases take milliseconds of CPU, 5,000 unknown keys about 0.3-0.4 s (measured on a
 * loaded 2-core machine, where the same parse took 1.2 s of wall-clock time); a runaway
 * parse (quadratic in the keys, an alias bomb expanded) takes many seconds or forever.
 */
const CPU_BOUND_MS = 2000;

function issuesOf(text: string, file = 'x.yaml'): ScenarioIssue[] {
  try {
    parseScenarioText(text, file);
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}

/** The YAML bomb: nine copies of nine copies ... of an anchor, 9^5 strings when expanded. */
const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
].join('\n');

function binaryGarbage(seed: string, bytes: number): string {
  const random = seedrandom(seed);
  return Buffer.from(Array.from({ length: bytes }, () => Math.floor(random() * 256))).toString('latin1');
}

// [case, text, the one issue's expected `file:line:col key: message` text]
const cases: [string, string, RegExp][] = [
  ['an empty file', '', /^x\.yaml:1:1: the file is empty: expected a scenario mapping, got nothing/],
  ['only a comment', '# nothing here\n', /^x\.yaml:1:1: the file is empty/],
  ['a YAML bomb', BOMB, /^x\.yaml: invalid YAML: expected at most 100 alias expansions, got more/],
  ['binary garbage with NUL bytes', `${binaryGarbage('nul', 4096)}\u0000`, /^x\.yaml: expected a YAML text file, got binary content/],
  ['a top-level list', '- a\n- b\n', /^x\.yaml:1:1: expected a mapping of scenario keys at the top level, got a list/],
  ['tabs for indentation', 'upstream:\n\tmodels: {}\n', /^x\.yaml:2:1: invalid YAML: expected spaces for indentation, got a tab/],
  ['duplicate keys', BASE.replace('    maxAttempts: 3\n', '    maxAttempts: 3\n    maxAttempts: 5\n'), /^x\.yaml:9:5 layers\.retry\.maxAttempts: duplicate key: expected each key once in a mapping, got "maxAttempts" a second time$/],
  [
    'a quoted number',
    BASE.replace('maxAttempts: 3', 'maxAttempts: "3"'),
    /^x\.yaml:8:18 layers\.retry\.maxAttempts: expected a whole number from 1 to 100, got "3" \(quoted text; write the number without quotes: 3\)$/,
  ],
  ['maxAttempts: .nan', BASE.replace('maxAttempts: 3', 'maxAttempts: .nan'), /^x\.yaml:8:18 layers\.retry\.maxAttempts: expected a whole number from 1 to 100, got \.nan$/],
  ['maxAttempts: .inf', BASE.replace('maxAttempts: 3', 'maxAttempts: .inf'), /^x\.yaml:8:18 layers\.retry\.maxAttempts: expected a whole number from 1 to 100, got \.inf$/],
  ['a rate of .nan', BASE.replace('rate: 4%', 'rate: .nan'), /^x\.yaml:4:30 upstream\.models\.haiku\.errors\.rate: expected a rate between 0 and 1 \(or 0% to 100%\), got NaN$/],
  ['maxAttempts: 1e9', BASE.replace('maxAttempts: 3', 'maxAttempts: 1e9'), /^x\.yaml:8:18 layers\.retry\.maxAttempts: expected a whole number from 1 to 100, got 1000000000$/],
  ['a negative rate', BASE.replace('rate: 4%', 'rate: -4%'), /^x\.yaml:4:30 upstream\.models\.haiku\.errors\.rate: expected a rate between 0 and 1 \(or 0% to 100%\), got "-4%" \(must not be negative\)$/],
  [
    'a rate above 1',
    BASE.replace('failureRateThreshold: 25%', 'failureRateThreshold: 25'),
    /^x\.yaml:11:27 layers\.breaker\.failureRateThreshold: expected a rate between 0 and 1 \(or 0% to 100%\), got 25 \(for a percentage write 25%\)$/,
  ],
  ['a rate of 150%', BASE.replace('rate: 4%', 'rate: 150%'), /^x\.yaml:4:30 upstream\.models\.haiku\.errors\.rate: expected a rate between 0 and 1 .*, got "150%"$/],
  [
    'shares that do not sum to 1',
    `${BASE}workload:\n  difficulty: { trivial: 0.5, standard: 0.4, complex: 0.2 }\n`,
    /^x\.yaml:15:15 workload\.difficulty: expected shares that sum to 1, got 1\.1$/,
  ],
  [
    'a tier naming a model that does not exist',
    BASE.replace('complex: sonnet', 'complex: opus'),
    /^x\.yaml:13:57 layers\.routing\.tiers\.complex: expected one of the models \(haiku, sonnet\), got "opus"$/,
  ],
  ['a misspelt layer', BASE.replace('maxAttempts: 3', 'maxAttempts: 3\n  breaker_:'), /^x\.yaml:9:3 layers\.breaker_: unknown key; did you mean "breaker"\?$/],
  [
    'a zero duration where one is required',
    BASE.replace('failureRateThreshold: 25%', 'failureRateThreshold: 25%\n    window: 0s'),
    /^x\.yaml:12:13 layers\.breaker\.window: expected a duration like 250ms, 4s, 2m, 1h or 30d, got "0s" \(must be greater than zero\)$/,
  ],
  ['brackets nested 10,000 deep', `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, /^x\.yaml:1:68: expected brackets nested at most 64 deep, got more$/],
];

describe('hostile scenario input', () => {
  it.each(cases)('refuses %s with one positioned issue saying what was expected', (_what, text, expected) => {
    // A generous bound against hangs, not a benchmark: each case takes milliseconds.
    const { value: issues, ms } = cpuMs(() => issuesOf(text));
    expect(ms).toBeLessThan(CPU_BOUND_MS);
    expect(issues.map((i) => new ScenarioError([i]).message)).toEqual([expect.stringMatching(expected)]);
  });

  it('refuses a 50 MB scenario before parsing it', () => {
    const huge = `name: x\n${'# padding\n'.repeat(5_000_000)}`;
    const { value: issues, ms } = cpuMs(() => issuesOf(huge));
    expect(ms).toBeLessThan(CPU_BOUND_MS);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/^expected a scenario under 1048576 bytes, got 50000008 characters$/);
  });

  it('refuses binary garbage without NUL bytes as a non-scenario, not a crash', () => {
    // Bytes 0x80..0xff only: no NUL, so it reaches the YAML parser.
    const random = seedrandom('high-bytes');
    const text = Buffer.from(Array.from({ length: 4096 }, () => 0x80 + Math.floor(random() * 128))).toString('utf8');
    const issues = issuesOf(text);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.file).toBe('x.yaml');
  });

  it('reports the first 50 of thousands of unknown keys and counts the rest', () => {
    const text = `${BASE}${Array.from({ length: 5000 }, (_, i) => `junk${i}: 1`).join('\n')}\n`;
    const { value: issues, ms } = cpuMs(() => issuesOf(text));
    expect(ms).toBeLessThan(CPU_BOUND_MS);
    expect(issues).toHaveLength(51);
    expect(issues[50]!.message).toBe('and 4950 more problems');
  });

  it('reads 429 written without quotes as the error kind "429"', () => {
    const scenario = parseScenarioText(BASE.replace('baseDelay: 250ms', 'baseDelay: 250ms\n    retryOn: [429, 503, timeout]'), 'x.yaml');
    expect(scenario.layers.retry?.retryOn).toEqual(['429', '503', 'timeout']);
  });

  it('names the accepted error kinds when an unknown status code is given', () => {
    const issues = issuesOf(BASE.replace('baseDelay: 250ms', 'baseDelay: 250ms\n    retryOn: [502]'));
    expect(issues.map((i) => `${i.key}: ${i.message}`)).toEqual([
      'layers.retry.retryOn[0]: expected one of "400", "429", "500", "503", "529", "timeout", "quota", got 502',
    ]);
  });
});
