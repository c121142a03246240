import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCompareHtml, renderRunHtml, renderSweepHtml, timelineColumns } from '../../src/report/html.js';
import { chartsOf, count, incidentComparison, metastableRun, syntheticSweep } from './report-fixtures.js';

/**
 * The HTML reports rendered by a real browser: Debian's Chromium, headless, dumping the
 * DOM after layout. `.ci/run` installs it; on a developer machine without it these tests
 * are skipped with a message, but under CI a missing browser is a failure.
 */

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const skip = !available && !process.env.CI;
if (skip) console.warn(`html.browser.test: skipped, ${CHROMIUM} not found (Debian: apt-get install chromium; CI installs it and fails without it)`);

/**
 * Appended to a copy of each report: writes each chart's laid-out size and the number of
 * resources the page fetched into the DOM, for --dump-dom to carry out. The report itself
 * has no script.
 */
const PROBE = `<script>
for (const svg of document.querySelectorAll('svg')) {
  const box = svg.getBoundingClientRect();
  svg.setAttribute('data-rendered-width', String(box.width));
  svg.setAttribute('data-rendered-height', String(box.height));
}
document.body.setAttribute('data-resources', String(performance.getEntriesByType('resource').length));
</script>`;

let dir = '';
let profiles = 0;

/** Renders `html` in headless Chromium and returns the DOM after layout. */
function renderInChromium(name: string, html: string): string {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html.replace('</body>', `${PROBE}</body>`));
  const result = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${join(dir, `profile-${profiles++}`)}`,
      '--dump-dom',
      pathToFileURL(file).href,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0 || !result.stdout.includes('</html>')) {
    throw new Error(`chromium exited ${result.status} (${result.error?.message ?? 'no error'}): ${result.stderr.slice(-2000)}`);
  }
  return result.stdout;
}

/** The laid-out width and height Chromium gave each `<svg>`. */
function renderedSizes(dom: string): { width: number; height: number }[] {
  return [...dom.matchAll(/<svg\b[^>]*>/g)].map((m) => ({
    width: Number(/data-rendered-width="([^"]*)"/.exec(m[0])?.[1] ?? NaN),
    height: Number(/data-rendered-height="([^"]*)"/.exec(m[0])?.[1] ?? NaN),
  }));
}

/** Asserts what every rendered report must show: charts laid out at a real size, nothing fetched. */
function expectLaidOut(dom: string, charts: number): void {
  const sizes = renderedSizes(dom);
  expect(sizes).toHaveLength(charts);
  for (const size of sizes) {
    expect(size.width).toBeGreaterThan(300);
    expect(size.height).toBeGreaterThan(100);
  }
  expect(dom).toContain('data-resources="0"');
}

describe.skipIf(skip)('HTML reports in headless Chromium', () => {
  beforeAll(() => {
    if (!available) throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs it with apt-get install chromium`);
    dir = mkdtempSync(join(tmpdir(), 'harness-sim-html-'));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lays out the sweep report: 8 metric charts, each with 2 variant lines of 10 points', () => {
    const dom = renderInChromium('sweep', renderSweepHtml(syntheticSweep()));
    const charts = chartsOf(dom);
    expect(charts.size).toBe(8);
    for (const svg of charts.values()) {
      expect(count(svg, 'data-series=')).toBe(2);
      expect(count(svg, 'data-point=')).toBe(20);
    }
    expect(count(charts.get('sweep-visibleFailureRate')!, 'data-threshold=')).toBe(1);
    expectLaidOut(dom, 8);
  });

  it('lays out the compare report: a bar per variant in every chart', () => {
    const { compared, seeds, requests } = incidentComparison();
    const html = renderCompareHtml(compared, { scenarios: ['incident-70'], seeds, requests });
    const dom = renderInChromium('compare', html);
    const charts = chartsOf(dom);
    expect([...charts.keys()]).toEqual([...chartsOf(html).keys()]);
    expect(charts.size).toBeGreaterThanOrEqual(6);
    for (const svg of charts.values()) {
      expect(count(svg, 'data-series=')).toBe(1);
      expect(count(svg, 'data-point=')).toBe(2);
    }
    expectLaidOut(dom, charts.size);
  });

  it('lays out the run report: the latency histogram and four timelines with a point per column', () => {
    const result = metastableRun();
    const dom = renderInChromium('run', renderRunHtml(result));
    const charts = chartsOf(dom);
    const columns = timelineColumns(result.timeline).columns.length;
    expect([...charts.keys()]).toEqual(['run-latency-histogram', 'run-failure-rate', 'run-breakers-open', 'run-queue-depth', 'run-throughput']);
    expect(count(charts.get('run-latency-histogram')!, 'data-point=')).toBe(result.latencyHistogram!.length);
    expect(count(charts.get('run-failure-rate')!, 'data-point=')).toBe(columns);
    expect(count(charts.get('run-throughput')!, 'data-series=')).toBe(3);
    expect(count(charts.get('run-throughput')!, 'data-point=')).toBe(3 * columns);
    expectLaidOut(dom, 5);
  });
});
