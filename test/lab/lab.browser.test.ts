import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabData } from '../../src/lab/lab.js';
import { formatMetricValue, headlineMetric, type HeadlineKey } from '../../src/metrics/headline.js';

/**
 * The lab page driven in a real browser: playwright-core steers Debian's Chromium
 * (headless) over the page opened from file://, ticks layers and moves the error-rate
 * slider, and reads what the page shows. The numbers must be the JSON of the same runs
 * (`lab --format json`), and that JSON must be what `harness-sim run` gives for the same
 * layers and error rate. `.ci/run` installs Chromium; elsewhere the test is skipped with a
 * message when it or playwright-core is missing, but under CI that is a failure.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const CHROMIUM = '/usr/bin/chromium';
type Playwright = typeof import('playwright-core');
let playwright: Playwright | null = null;
try {
  playwright = await import('playwright-core');
} catch {
  playwright = null;
}
const available = existsSync(CHROMIUM) && playwright !== null;
const skip = !available && !process.env.CI;
if (skip) console.warn(`lab.browser.test: skipped, needs ${CHROMIUM} and playwright-core (npm ci installs it)`);

const SCENARIO = `name: lab-test
seed: 5
workload:
  requests: 2K
upstream:
  models:
    fast: { latency: { dist: lognormal, p50: 300ms, p95: 900ms }, errors: { rate: 4%, mix: { "503": 1 } }, price: { input: $1, output: $5 } }
    strong: { latency: { dist: lognormal, p50: 900ms, p95: 3s }, errors: { rate: 4%, mix: { "503": 1 } }, price: { input: $3, output: $15 } }
  defaultModel: fast
layers:
  routing: { fallback: [fast, strong] }
  breaker: { window: 30s, minimumCalls: 10 }
  retry: { maxAttempts: 3, baseDelay: 100ms }
`;
const RATES = '0,5%,20%,50%';

let dir = '';
let file = '';
let data: LabData;
let html = '';

function cli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

describe.skipIf(skip)('the lab page in headless Chromium', () => {
  beforeAll(() => {
    if (!available) throw new Error(`CI is set but ${CHROMIUM} or playwright-core is missing`);
    // dist/ is built once by test/global-setup.ts.
    dir = mkdtempSync(join(tmpdir(), 'harness-sim-lab-'));
    file = join(dir, 'lab-test.yaml');
    writeFileSync(file, SCENARIO);
    html = join(dir, 'lab.html');
    cli(['lab', file, '--error-rates', RATES, '--requests', '2K', '--jobs', '2', '--out', html]);
    data = JSON.parse(cli(['lab', file, '--error-rates', RATES, '--requests', '2K', '--jobs', '1', '--format', 'json']));
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds a real run per layer combination and error rate, the same for --jobs 1 and 2, equal to harness-sim run', () => {
    expect(data.layers).toEqual(['routing', 'breaker', 'retry']);
    expect(data.errorRates).toEqual([0, 0.05, 0.2, 0.5]);
    expect(data.cells).toHaveLength(8 * 4);
    const embedded = JSON.parse(/<script type="application\/json" id="lab-data">(.*?)<\/script>/s.exec(readFileSync(html, 'utf8'))![1]!);
    expect(embedded.cells).toEqual(data.cells);
    // routing + retry (mask 0b101) at 50%, against an independent run with the same settings.
    const cell = data.cells[0b101 * 4 + 3]!;
    const run = JSON.parse(
      cli(['run', file, '--requests', '2K', '--format', 'json', '--set', 'layers.breaker.enabled=false', '--set', 'upstream.models.fast.errors.rate=0.5', '--set', 'upstream.models.strong.errors.rate=0.5']),
    );
    expect(cell.metrics.visibleFailureRate).toBeGreaterThan(0);
    expect(cell.metrics.visibleFailureRate).toBeCloseTo(run.metrics.visibleFailureRate, 8);
    expect(cell.metrics.latencyP95).toBeCloseTo(run.metrics.latencyMs.p95, 3);
    expect(cell.metrics.monthlyCost).toBeCloseTo(run.metrics.monthlyCostUsd, 2);
  });

  it('shows, for each setting of the toggles and slider, the figures of that run, its ladder and what each layer changes', async () => {
    const browser = await playwright!.chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(pathToFileURL(html).href);
      const shown = async (key: HeadlineKey) => (await page.textContent(`#metric-${key}`))!.trim();
      const expectCell = async (mask: number, rateIndex: number) => {
        expect(await page.getAttribute('body', 'data-mask')).toBe(String(mask));
        const cell = data.cells[mask * 4 + rateIndex]!;
        for (const key of ['visibleFailureRate', 'latencyP95', 'monthlyCost', 'latencyP99', 'loadMultiplier', 'wastedTokens'] as HeadlineKey[]) {
          expect(await shown(key)).toBe(formatMetricValue(headlineMetric(key).unit, cell.metrics[key]));
        }
      };
      // As written: every layer on, at the scenario's own 4% (nearest: 5%).
      expect(await page.textContent('#error-rate-value')).toBe('5%');
      await expectCell(0b111, 1);
      // Retry off, slider to 50%.
      await page.uncheck('#layer-retry');
      await page.locator('#error-rate').fill('3');
      expect(await page.textContent('#error-rate-value')).toBe('50%');
      await expectCell(0b011, 3);
      // What the breaker changes here: this run minus the one without it.
      const effect = (await page.textContent('[data-effect="breaker"] [data-metric="visibleFailureRate"]'))!;
      expect(effect).toBe(data.cells[0b011 * 4 + 3]!.effects.breaker!.visibleFailureRate.text);
      // Retry is off: its line says what switching it on would change.
      expect(await page.textContent('[data-effect="retry"]')).toContain('(off): switching it on would change');
      // The ladder at 50%: none, +routing, +breaker, +retry.
      const ladder = await page.$$eval('#ladder-body tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
      expect(ladder.map((r) => r[0])).toEqual(['none', '+routing', '+breaker', '+retry']);
      expect(ladder.map((r) => r[1])).toEqual([0, 0b001, 0b011, 0b111].map((m) => data.cells[m * 4 + 3]!.text.visibleFailureRate));
      // Everything off at 0%: no upstream errors, nothing fails.
      for (const layer of ['routing', 'breaker']) await page.uncheck(`#layer-${layer}`);
      await page.locator('#error-rate').fill('0');
      await expectCell(0, 0);
      expect(await shown('visibleFailureRate')).toBe('0.000%');
      expect(errors).toEqual([]);
      expect(requests.every((url) => url.startsWith('file://'))).toBe(true);
      expect(requests).toHaveLength(1); // the page itself: nothing else is fetched
    } finally {
      await browser.close();
    }
  });
});
