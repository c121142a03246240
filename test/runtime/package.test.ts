import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/**
 * The tarball `npm pack` makes, installed in an empty project, imported as a user would:
 * `harness-sim` and `harness-sim/layers`, in JS and type-checked TS. Packed with
 * `--ignore-scripts` from the `dist/` the global setup built (the `prepack` script rebuilds it
 * from scratch for a real pack); dependencies are linked from this checkout, so no network.
 */
describe('the packed package, installed in an empty project', () => {
  let app = '';
  let files: string[] = [];

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'harness-sim-app-'));
    const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8' })) as {
      filename: string;
      files: { path: string }[];
    }[];
    files = packed[0]!.files.map((f) => f.path);
    const installed = join(app, 'node_modules', 'harness-sim');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['xzf', join(app, packed[0]!.filename), '-C', installed, '--strip-components=1']);
    for (const dep of Object.keys(pkg.dependencies)) symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  }, 60_000);

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('ships the compiled entries with their declarations, the CLI and the scenarios, and no sources or tests', () => {
    for (const file of ['dist/runtime/index.js', 'dist/runtime/index.d.ts', 'dist/layers/index.js', 'dist/layers/index.d.ts', 'dist/cli/main.js', 'scenarios/seed-lab.yaml']) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => /^(src|test|bench|node_modules)\//.test(f))).toEqual([]);
  });

  it('imports createHarness and the layer classes and runs a retried call', () => {
    writeFileSync(
      join(app, 'main.mjs'),
      `import { createHarness, HttpStatusError } from 'harness-sim';
import { CircuitBreaker, RetryPolicy, systemClock } from 'harness-sim/layers';
const harness = await createHarness({ retry: { maxAttempts: 3, baseDelay: '1ms' } }, { models: ['sonnet'] });
let n = 0;
const answer = await harness.call({}, async (ctx) => { if (++n < 3) throw new HttpStatusError(503); return ctx.model + ' ' + ctx.attempt; });
console.log(answer, harness.metrics().retries, new CircuitBreaker(systemClock).state, new RetryPolicy().canRetry(1));
`,
    );
    expect(execFileSync(process.execPath, ['main.mjs'], { cwd: app, encoding: 'utf8' }).trim()).toBe('sonnet 3 2 closed true');
  });

  it("runs the README's createHarness example as shown, printing the output the README shows", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**A harness in a few lines.**'));
    const [, code, output] = /```js\n([\s\S]*?)```\n```\n([\s\S]*?)```/.exec(section)!;
    writeFileSync(join(app, 'example.mjs'), code!);
    expect(execFileSync(process.execPath, ['example.mjs'], { cwd: app, encoding: 'utf8' })).toBe(output);
  });

  it('type-checks a TypeScript user of both entries against the shipped declarations, which catch a wrong type', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['main.ts'] }),
    );
    // One compile: the good lines must pass, and the expected error must occur (an unused
    // expect-error directive is itself an error), so the types are the shipped ones and not `any`.
    writeFileSync(
      join(app, 'main.ts'),
      `import { createHarness, type HarnessMetrics } from 'harness-sim';
import { CircuitBreaker, RetryPolicy, systemClock } from 'harness-sim/layers';
const harness = await createHarness<{ prompt: string }>({ retry: { maxAttempts: 3 } }, { models: ['sonnet'] });
const answer: string = await harness.call({ prompt: 'hi' }, async (ctx) => ctx.model);
const m: HarnessMetrics = harness.metrics();
console.log(answer, m.loadMultiplier, new CircuitBreaker(systemClock).state, new RetryPolicy().canRetry(1));
${'//'} @ts-expect-error retries is a number
const wrong: string = m.retries;
console.log(wrong);
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const out = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: app, encoding: 'utf8' });
      } catch (error) {
        return String((error as { stdout: string }).stdout);
      }
    })();
    expect(out).toBe('');
    expect(existsSync(join(app, 'node_modules', 'harness-sim', 'src'))).toBe(false);
  }, 120_000);
});
