import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Names from a scenario reach terminals and CI logs. Whatever a scenario calls its models,
 * tenants, tools and itself, no line harness-sim prints may carry a raw terminal control,
 * a C1 control, a bidi override, or a GitHub workflow command (a line starting with `::`,
 * or `##[` anywhere), in any command and any output mode.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
let dir = '';

/** Raw bytes a terminal or CI runner would act on (LF and tab are ordinary line structure). */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
/** Our own SLO annotation, the one command harness-sim means to send. */
const OWN_ANNOTATION = /^::error title=SLO breach::/;

function cli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every way a line of output could act on a terminal or a CI runner; [] when there is none. */
function hazards(output: string): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    if (RAW.test(line)) found.push(`raw control in ${JSON.stringify(line)}`);
    if (/^\s*::/.test(line) && !OWN_ANNOTATION.test(line)) found.push(`workflow command ${JSON.stringify(line)}`);
    if (/##(vso)?\[/i.test(line)) found.push(`##[ command ${JSON.stringify(line)}`);
  }
  return found;
}

function expectSafe(run: { stdout: string; stderr: string }): void {
  expect(hazards(run.stdout), 'stdout').toEqual([]);
  expect(hazards(run.stderr), 'stderr').toEqual([]);
}

/** Valid names (no control characters) that are workflow commands if printed at a line start. */
const COMMAND_NAMES = `name: "::add-mask::scenario"
seed: 3
upstream:
  models:
    "::stop-commands::pwned": { errors: { rate: 20% } }
workload:
  tenants: { "##[add-mask]tenant": 0.5, "::notice::tenant": 0.5 }
  tools: { "::warning::tool": 0.5 }
layers:
  retry: { maxAttempts: 2 }
  breaker: { enabled: true }
slo:
  visibleFailureRate: "< 0.01%"
`;

/** Names with raw controls, one per kind of name: all refused at validation. */
const CONTROL_NAMES = `name: "evil\\e]0;title\\a\\e[2J"
seed: 3
upstream:
  models:
    "son\\u202enet": {}
    "c1\\u009bmodel": {}
workload:
  tenants: { "a\\n::add-mask::b": 1 }
  tools: { "t\\rool": 0.5 }
  prompt:
    prefix: [{ name: "sys\\u0085tem", tokens: 100 }]
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-hostile-names-'));
  writeFileSync(join(dir, 'commands.yaml'), COMMAND_NAMES);
  writeFileSync(join(dir, 'controls.yaml'), CONTROL_NAMES);
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('names that look like workflow commands', () => {
  const runs: [string, string[]][] = [
    ['run table + chart', ['run', 'commands.yaml', '--requests', '2K', '--chart']],
    ['run json + chart', ['run', 'commands.yaml', '--requests', '2K', '--format', 'json', '--chart']],
    ['run replicated', ['run', 'commands.yaml', '--requests', '1K', '--replications', '2']],
    ['compare table', ['compare', 'commands.yaml', '--layers', 'none,all', '--requests', '1K']],
    ['compare md', ['compare', 'commands.yaml', 'commands.yaml', '--requests', '1K', '--format', 'md']],
    ['compare json', ['compare', 'commands.yaml', '--ladder', '--requests', '1K', '--format', 'json']],
    ['sweep table + chart', ['sweep', 'commands.yaml', '--param', 'upstream.models.::stop-commands::pwned.errors.rate=0.1,0.2', '--requests', '1K', '--jobs', '1', '--chart']],
    ['sweep csv', ['sweep', 'commands.yaml', '--param', 'seed=1,2', '--requests', '1K', '--jobs', '1', '--format', 'csv']],
    ['sweep md', ['sweep', 'commands.yaml', '--param', 'seed=1,2', '--requests', '1K', '--jobs', '1', '--format', 'md']],
    ['sweep json', ['sweep', 'commands.yaml', '--param', 'seed=1,2', '--requests', '1K', '--jobs', '1', '--format', 'json']],
    ['explain', ['explain', 'commands.yaml']],
    ['validate', ['validate', 'commands.yaml']],
    ['tune table', ['tune', 'commands.yaml', '--param', 'layers.retry.maxAttempts=6,8', '--param', 'layers.breaker.enabled=false,true', '--requests', '1K', '--jobs', '1', '--replications', '2']],
    ['tune json', ['tune', 'commands.yaml', '--param', 'layers.retry.maxAttempts=6,8', '--param', 'layers.breaker.enabled=false,true', '--requests', '1K', '--jobs', '1', '--replications', '2', '--format', 'json']],
    ['lab html', ['lab', 'commands.yaml', '--error-rates', '0,10%', '--requests', '1K', '--jobs', '1']],
    ['lab json', ['lab', 'commands.yaml', '--error-rates', '0,10%', '--requests', '1K', '--jobs', '1', '--format', 'json']],
  ];
  for (const [label, args] of runs) {
    it(`${label}: prints no command line and no raw control, on GitHub Actions too`, () => {
      const summary = join(dir, `summary-${label.replace(/\W+/g, '-')}.md`);
      const run = cli(args, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
      expect(run.status === 0 || run.status === 1, run.stderr).toBe(true);
      expectSafe(run);
      if (run.status === 1) {
        // The breach is announced as our own annotation, with the name inside escaped.
        expect(run.stderr).toMatch(/^::error title=SLO breach::.*\\u003a:add-mask::scenario|^::error title=SLO breach::/m);
        expect(hazards(readFileSync(summary, 'utf8'))).toEqual([]);
      }
    }, 60_000);
  }

  it('keeps the names exact in JSON (escapes decode to the same text)', () => {
    const run = cli(['run', 'commands.yaml', '--requests', '1K', '--format', 'json']);
    const result = JSON.parse(run.stdout);
    expect(result.scenario).toBe('::add-mask::scenario');
    expect(Object.keys(result.byModel)).toEqual(['::stop-commands::pwned']);
    expect(Object.keys(result.byTenant).sort()).toEqual(['##[add-mask]tenant', '::notice::tenant']);
  }, 60_000);
});

describe('names with control characters', () => {
  const commands: [string, string[]][] = [
    ['validate', ['validate', 'controls.yaml']],
    ['run', ['run', 'controls.yaml', '--requests', '1K']],
    ['run --format json', ['run', 'controls.yaml', '--requests', '1K', '--format', 'json']],
    ['compare', ['compare', 'controls.yaml', '--ladder', '--requests', '1K', '--format', 'md']],
    ['sweep', ['sweep', 'controls.yaml', '--param', 'seed=1,2', '--requests', '1K', '--format', 'csv']],
    ['explain', ['explain', 'controls.yaml']],
    ['tune', ['tune', 'controls.yaml', '--param', 'layers.retry.maxAttempts=1,2', '--requests', '1K']],
    ['lab', ['lab', 'controls.yaml', '--requests', '1K']],
  ];
  for (const [label, args] of commands) {
    it(`${label}: refuses every one with its file position, exit 2, one escaped line each`, () => {
      const run = cli(args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expectSafe(run);
      const lines = run.stderr.trimEnd().split('\n');
      const expected = [
        /^controls\.yaml:1:7 name: expected text without control characters .* got U\+001B at character 5$/,
        /^controls\.yaml:5:5 upstream\.models\.son\\u202enet: expected a name .* got U\+202E at character 4$/,
        /^controls\.yaml:6:5 upstream\.models\.c1\\u009bmodel: expected a name .* got U\+009B at character 3$/,
        /^controls\.yaml:8:14 workload\.tenants\."a\\n::add-mask::b": expected a name .* got U\+000A at character 2$/,
        /^controls\.yaml:9:12 workload\.tools\."t\\rool": expected a name .* got U\+000D at character 2$/,
        /^controls\.yaml:11:22 workload\.prompt\.prefix\[0\]\.name: expected text .* got U\+0085 at character 4$/,
      ];
      expect(lines).toHaveLength(expected.length);
      expected.forEach((pattern, i) => expect(lines[i]).toMatch(pattern));
    }, 60_000);
  }

  it('refuses a control character given with --set, naming --set', () => {
    const run = cli(['run', 'commands.yaml', '--set', 'name=a\u001b[31mb', '--requests', '1K']);
    expect(run.status).toBe(2);
    expectSafe(run);
    expect(run.stderr).toMatch(/^--set name: expected text without control characters .* got U\+001B at character 2$/m);
  }, 60_000);

  it('escapes a hostile path on the command line in the error', () => {
    const run = cli(['run', 'no\u001b[2Jsuch\n::add-mask::x.yaml']);
    expect(run.status).toBe(2);
    expectSafe(run);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  }, 60_000);
});

describe('an unwritable step summary', () => {
  it('prints a warning and keeps the SLO verdict (exit 1), on run and compare', () => {
    for (const args of [
      ['run', 'commands.yaml', '--requests', '1K'],
      ['compare', 'commands.yaml', '--layers', 'none,all', '--requests', '1K'],
    ]) {
      const run = cli(args, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'no-such-dir', 'summary.md') });
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/^harness-sim: warning: cannot write the step summary to .*no-such-dir\/summary\.md \(ENOENT\); the SLO verdict stands$/m);
      expectSafe(run);
    }
  }, 120_000);
});
