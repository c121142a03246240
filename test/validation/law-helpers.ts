import { beforeAll, describe, expect, it } from 'vitest';
import { describeSampling, evaluateLaws, type Law, type Verdict } from '../../src/validation/law.js';

/**
 * Registers one test per law of `laws`, all evaluated once (their experiments run once) at the
 * full sample size. Each test is named by the law's closed form and its sample and tolerance
 * rule (`describeSampling`), and fails when the simulated value leaves the tolerance.
 */
export function describeLaws(title: string, laws: readonly Law[]): void {
  describe(title, () => {
    const verdicts = new Map<string, Verdict>();
    beforeAll(() => {
      for (const verdict of evaluateLaws(laws, 'full')) verdicts.set(verdict.law.id, verdict);
    }, 120_000);
    for (const law of laws) {
      it(`${law.closedForm} [${describeSampling(law, 'full')}]`, () => {
        expectLawHolds(verdicts.get(law.id)!);
      });
    }
  });
}

/**
 * Asserts a verdict: an `equal` law's simulated value is within its tolerance of the closed
 * form, and that tolerance is sharp (under 10% of the expected value, or 0.002 for a share,
 * so a drift of that size fails); an `at-most` law's 95% interval stays under its bound.
 */
export function expectLawHolds(verdict: Verdict): void {
  const { law } = verdict;
  if (law.relation === 'equal') {
    expect(Math.abs(verdict.simulated - law.expected), `${law.id}: simulated ${verdict.simulated}, expected ${law.expected}`).toBeLessThanOrEqual(verdict.tolerance);
    expect(verdict.tolerance).toBeLessThanOrEqual(law.unit === 'share' ? Math.max(0.1 * law.expected, 0.002) : 0.1 * Math.abs(law.expected));
  } else {
    expect(verdict.high, `${law.id}: 95% CI upper end ${verdict.high}, bound ${law.expected}`).toBeLessThanOrEqual(law.expected + verdict.tolerance);
  }
  expect(verdict.pass).toBe(true);
}
