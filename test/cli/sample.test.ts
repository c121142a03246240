import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** `--sample` works on compare as on run (and on sweep: test/sweep/merge.test.ts), and is refused where it cannot mean anything. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('compare --sample', { timeout: 600_000 }, () => {
  it('runs each variant sampled, exactly as run --sample does, and says so', () => {
    const compare = cli('compare', 'retry-basics', '--layers', 'none,all', '--requests', '20K', '--sample', '0.1', '--format', 'json');
    expect(compare.stderr).toBe('');
    const json = JSON.parse(compare.stdout);
    expect(json).toMatchObject({ sample: 0.1, requests: 20_000 });
    const run = JSON.parse(cli('run', 'retry-basics', '--requests', '20K', '--sample', '0.1', '--format', 'json').stdout);
    expect(json.variants[1].metrics.loadMultiplier).toBe(run.metrics.loadMultiplier);
    expect(json.variants[1].metrics.monthlyCost).toBe(run.metrics.monthlyCostUsd);
    expect(cli('compare', 'retry-basics', '--layers', 'none,all', '--requests', '20K', '--sample', '0.1').stdout.split('\n')[0]).toBe(
      'compare  seed 42  20,000 requests (10% sampled, scaled back)  deltas against none',
    );
  });

  it('refuses --sample with --replications, and a fraction leaving no request, in one line', () => {
    const both = cli('compare', 'retry-basics', '--layers', 'none,all', '--sample', '0.1', '--replications', '2');
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/^harness-sim: --sample with --replications: .*\n$/);
    const tiny = cli('compare', 'retry-basics', '--layers', 'none,all', '--requests', '5', '--sample', '0.1');
    expect(tiny.status).toBe(2);
    expect(tiny.stderr).toBe('--sample: expected a fraction that leaves at least one request to simulate, got 0.1 of 5 requests (0.5)\n');
  });
});
