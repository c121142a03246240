import { describe, expect, it } from 'vitest';
import { HEADLINE_METRICS } from '../../src/metrics/headline.js';
import { renderCompareHtml, renderRunHtml, renderSweepHtml, timelineColumns } from '../../src/report/html.js';
import type { SweepResult } from '../../src/report/sweep-types.js';
import { chartsOf, count, incidentComparison, metastableRun, syntheticSweep, ZERO_METRICS } from './report-fixtures.js';

/** Fails when a page could reach for anything outside itself. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b|@import|url\(/i);
  // No src or href attribute on any element (attribute values blanked, so escaped text in them cannot match).
  expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[a-z][^>]*\s(src|href)=/i);
  // The SVG namespace is a name, not a fetch; no other URL may appear.
  expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:|\/\/[a-z]/i);
}

describe('renderSweepHtml', () => {
  const result = syntheticSweep();
  const html = renderSweepHtml(result);
  const charts = chartsOf(html);

  it('draws a line chart per headline metric that is not zero everywhere, one line per variant and a point per grid point', () => {
    expect([...charts.keys()]).toEqual(HEADLINE_METRICS.filter((m) => !m.session && !ZERO_METRICS.includes(m.key)).map((m) => `sweep-${m.key}`));
    for (const svg of charts.values()) {
      expect(count(svg, 'data-series=')).toBe(2);
      expect(count(svg, 'data-point=')).toBe(20);
    }
    expect(html).toContain('Zero at every point, not drawn: rejected, refused (out of scope), cache hit rate, fallbacks.');
  });

  it('draws the SLO as a dashed threshold on its metric only, and marks the table cells that breach it', () => {
    expect(count(charts.get('sweep-visibleFailureRate')!, 'data-threshold="SLO &lt; 5%"')).toBe(1);
    expect(count(html, 'data-threshold=')).toBe(1);
    const breaches = result.points.filter((p) => !(p.metrics.visibleFailureRate < 0.05)).length;
    // retry: rate^3 >= 5% from 0.4 (6 points); retry+breaker: 2 x rate >= 5% from 0.1 (9 points).
    expect(breaches).toBe(15);
    expect(count(html, 'class="fail"')).toBe(breaches);
  });

  it('states the scenario, seed, requests and swept values', () => {
    expect(html).toContain('<title>Sweep: incident-70</title>');
    expect(html).toContain('seed <b>42</b>');
    expect(html).toContain('requests <b>20,000 per point</b>');
    expect(html).toContain('<b>0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9</b>');
  });

  it('is self-contained and renders the same result byte for byte', () => {
    expectSelfContained(html);
    expect(renderSweepHtml(syntheticSweep())).toBe(html);
  });

  it('draws a line per variant and value of the second parameter, with interval whiskers when replicated', () => {
    const two: SweepResult = { ...result, params: [result.params[0]!, 'layers.retry.maxAttempts'], replications: 3 };
    two.points = [2, 3].flatMap((attempts, a) =>
      result.points.map((p) => ({
        ...p,
        index: p.index + a * 100,
        params: { ...p.params, 'layers.retry.maxAttempts': attempts },
        intervals: Object.fromEntries(Object.entries(p.metrics).map(([k, v]) => [k, { mean: v, low: v * 0.9, high: v * 1.1, halfWidth: v * 0.1, sd: v * 0.05, n: 3 }])) as never,
      })),
    );
    const svg = chartsOf(renderSweepHtml(two)).get('sweep-latencyP95')!;
    expect(count(svg, 'data-series=')).toBe(4);
    expect(svg).toContain('data-series="retry+breaker · layers.retry.maxAttempts=3"');
    expect(count(svg, 'data-point=')).toBe(40);
    // The x = 0 points have a zero-width interval: no whisker.
    expect(count(svg, 'data-interval=')).toBe(36);
  });

  it('escapes a hostile scenario name and variant', () => {
    const hostile = syntheticSweep();
    hostile.scenario = '<script>alert("x")</script>';
    hostile.points[0]!.variant = '<img src=x onerror=alert(1)>';
    const page = renderSweepHtml(hostile);
    expectSelfContained(page);
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });
});

describe('renderCompareHtml', () => {
  const { compared, seeds, requests } = incidentComparison();
  const html = renderCompareHtml(compared, { scenarios: ['incident-70'], seeds, requests });
  const charts = chartsOf(html);

  it('draws a bar per variant for every metric that is not zero for all of them, with 95% whiskers when replicated', () => {
    const drawn = HEADLINE_METRICS.filter((m) => !m.session && compared.some((v) => v.values[m.key].mean !== 0));
    expect(drawn.length).toBeGreaterThanOrEqual(6);
    expect([...charts.keys()]).toEqual(drawn.map((m) => `compare-${m.key}`));
    for (const svg of charts.values()) {
      expect(count(svg, 'data-series=')).toBe(1);
      expect(count(svg, 'data-point=')).toBe(2);
    }
    const whiskers = drawn.reduce((sum, m) => sum + compared.filter((v) => v.values[m.key].high > v.values[m.key].low).length, 0);
    expect(count(html, 'data-interval=')).toBe(whiskers);
  });

  it('tables each metric with the delta against the baseline, and is self-contained', () => {
    expect(html).toContain('seeds <b>42..43</b>');
    expect(html).toContain('<th>Δ vs retry</th>');
    expect(count(html, '<td>baseline</td>')).toBe(charts.size);
    expectSelfContained(html);
  });
});

describe('renderRunHtml', () => {
  const result = metastableRun();
  const html = renderRunHtml(result);
  const charts = chartsOf(html);

  it('draws the latency histogram with a bar per bucket and the three percentiles marked', () => {
    const svg = charts.get('run-latency-histogram')!;
    expect(result.latencyHistogram!.length).toBeGreaterThan(10);
    expect(count(svg, 'data-point=')).toBe(result.latencyHistogram!.length);
    expect(count(svg, 'data-marker=')).toBe(3);
  });

  it('draws failure rate, open breakers, queue depth and throughput with a point per timeline column', () => {
    const columns = timelineColumns(result.timeline).columns.length;
    expect(columns).toBeGreaterThan(20);
    expect([...charts.keys()]).toEqual(['run-latency-histogram', 'run-failure-rate', 'run-breakers-open', 'run-queue-depth', 'run-throughput']);
    for (const name of ['run-failure-rate', 'run-breakers-open', 'run-queue-depth']) {
      expect(count(charts.get(name)!, 'data-series=')).toBe(1);
      expect(count(charts.get(name)!, 'data-point=')).toBe(columns);
    }
    expect(count(charts.get('run-throughput')!, 'data-series=')).toBe(3);
    expect(count(charts.get('run-throughput')!, 'data-point=')).toBe(3 * columns);
  });

  it('states the scenario, seed and requests, and is self-contained', () => {
    expect(html).toContain('scenario <b>metastable</b>');
    expect(html).toContain(`seed <b>${result.seed}</b>`);
    expect(html).toContain('requests <b>3,000</b>');
    expectSelfContained(html);
  });
});

describe('timelineColumns', () => {
  it('merges whole buckets, summing counts and keeping the peaks of queue depth and open breakers', () => {
    const timeline = { bucketMs: 1000, offered: [1, 2, 3, 4, 5], upstreamCalls: [1, 1, 1, 1, 1], goodput: [1, 1, 1, 1, 1], failures: [0, 1, 0, 2, 0], queueDepth: [0, 7, 3, 0, 1], breakersOpen: [0, 0, 1, 0, 0] };
    const { bucketMs, columns } = timelineColumns(timeline, 2);
    expect(bucketMs).toBe(3000);
    expect(columns).toEqual([
      { startMs: 0, offered: 6, finished: 4, failures: 1, calls: 3, breakersOpen: 1, queueDepth: 7 },
      { startMs: 3000, offered: 9, finished: 4, failures: 2, calls: 2, breakersOpen: 0, queueDepth: 1 },
    ]);
  });
});
