import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm run golden` is no blind regenerator: it shows what moved and writes nothing until the
 * change is accepted with a reason, which it logs beside the results. Run here on one
 * scenario in a copy of the golden folder (`--only`, `--dir`), from the built dist/.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir = '';
let file = '';
let stored = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-golden-'));
  file = join(dir, 'retry-basics.json');
  stored = readFileSync(join(ROOT, 'reports/golden/retry-basics.json'), 'utf8');
  copyFileSync(join(ROOT, 'reports/golden/CHANGES.md'), join(dir, 'CHANGES.md'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function golden(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/golden.mjs'), '--only', 'retry-basics', '--dir', dir, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run golden', { timeout: 600_000 }, () => {
  it('shows the metrics that moved and writes nothing without --accept', () => {
    const tampered = stored.replace(/"loadMultiplier": [\d.]+/, '"loadMultiplier": 9.99');
    expect(tampered).not.toBe(stored);
    writeFileSync(file, tampered);
    const { status, stdout } = golden();
    expect(status).toBe(1);
    expect(stdout).toMatch(/^changed {4}retry-basics\.json \(1 values\)\n {2}metrics\.loadMultiplier: 9\.99 -> [\d.]+\n/);
    expect(stdout).toContain('nothing written');
    expect(readFileSync(file, 'utf8')).toBe(tampered);
  });

  it('refuses an --accept without a reason in words', () => {
    const { status, stderr } = golden('--accept', 'ok');
    expect(status).toBe(2);
    expect(stderr).toMatch(/^golden: --accept needs the reason/);
  });

  it('writes the results and logs the reason once accepted, then finds nothing to change', () => {
    const { status, stdout } = golden('--accept', 'a test tampered with the load multiplier');
    expect(status).toBe(0);
    expect(stdout).toContain('written and the reason logged in CHANGES.md');
    expect(readFileSync(file, 'utf8')).toBe(stored);
    expect(readFileSync(join(dir, 'CHANGES.md'), 'utf8')).toMatch(/\n- \d{4}-\d\d-\d\d: a test tampered with the load multiplier \(changed retry-basics\.json\)\n$/);
    expect(golden()).toMatchObject({ status: 0, stdout: 'unchanged  retry-basics.json\ngolden results unchanged\n' });
  });
});
