import { escapeInvisible, safeText } from '../text/safe-text.js';
import { breachMessage, checkName, formatGateValue, type GateResult } from './gate.js';

/**
 * JUnit XML for SLO gates, the report format every CI system can show: one test suite per
 * point (run or variant), one test case per SLO, a `<failure>` on each breach.
 */

/** Renders gate results as a JUnit XML document; `points` keeps suites for points without checks. */
export function renderJUnit(results: readonly GateResult[], points: readonly string[]): string {
  const failures = results.filter((r) => !r.passed).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="harness-sim SLO gates" tests="${results.length}" failures="${failures}">`,
  ];
  for (const point of points) {
    const own = results.filter((r) => r.point === point);
    const ownFailures = own.filter((r) => !r.passed).length;
    lines.push(`  <testsuite name="${xml(safeText(point))}" tests="${own.length}" failures="${ownFailures}" errors="0" skipped="0">`);
    for (const result of own) {
      const open = `    <testcase classname="${xml(safeText(point))}" name="${xml(checkName(result.check))}"`;
      if (result.passed) {
        lines.push(`${open}>`, `      <system-out>${xml(`${result.check.metric} = ${formatGateValue(result)}`)}</system-out>`, '    </testcase>');
      } else {
        const message = breachMessage(result);
        lines.push(`${open}>`, `      <failure message="${xml(message)}" type="SLOBreach">${xml(message)}</failure>`, '    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/**
 * Escapes text for XML content and attributes, and replaces characters XML 1.0 cannot
 * carry at all (most C0 controls, lone surrogates) with U+FFFD so the file always parses.
 */
export function xml(text: string): string {
  return escapeInvisible(text)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
