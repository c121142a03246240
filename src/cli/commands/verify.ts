import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { round } from '../../metrics/results.js';
import { useColor } from '../../report/table.js';
import type { LawUnit } from '../../validation/law.js';
import { evaluateLaws, LAWS, type Profile, type Verdict } from '../../validation/laws.js';
import { ExitCode } from '../errors.js';
import { formatOption } from '../options.js';

interface VerifyFlags {
  quick?: boolean;
  format: 'table' | 'json';
}

/** `harness-sim verify`: runs every law against the simulator and exits 1 if any fails. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check the simulator against closed forms (retries, queues, quotas, latency, cache, breaker, episodes, clients, sessions)')
    .option('--quick', 'smaller samples (wider tolerances), for a fast check')
    .option('--format <format>', 'table or json', formatOption(['table', 'json'] as const), 'table')
    .action((flags: VerifyFlags) => {
      const profile: Profile = flags.quick ? 'quick' : 'full';
      const verdicts = evaluateLaws(LAWS, profile);
      const text = flags.format === 'json' ? JSON.stringify(verifyJson(profile, verdicts), null, 2) : renderVerifyTable(profile, verdicts, useColor(process.stdout));
      process.stdout.write(`${text}\n`);
      const failed = verdicts.filter((v) => !v.pass);
      for (const v of failed) {
        process.stderr.write(`law failed: ${v.law.name}: expected ${expectedText(v)}, simulated ${formatLawValue(v.law.unit, v.simulated)} (tolerance ${formatLawValue(v.law.unit, v.tolerance)})\n`);
      }
      if (failed.length > 0) process.exitCode = ExitCode.Breach;
    });
}

/** The JSON of a verify run: one entry per law with its data and verdict. */
export function verifyJson(profile: Profile, verdicts: readonly Verdict[]) {
  return {
    profile,
    laws: verdicts.length,
    passed: verdicts.filter((v) => v.pass).length,
    failed: verdicts.filter((v) => !v.pass).length,
    results: verdicts.map((v) => ({
      id: v.law.id,
      family: v.law.family,
      name: v.law.name,
      closedForm: v.law.closedForm,
      reading: v.law.reading,
      relation: v.law.relation,
      expected: round(v.law.expected, 10),
      simulated: round(v.simulated, 10),
      ci95: [round(v.low, 10), round(v.high, 10)],
      standardError: round(v.standardError, 10),
      tolerance: round(v.tolerance, 10),
      allowance: v.law.allowance?.reason ?? null,
      sampling: v.law.sampling.kind,
      seeds: v.seeds,
      requestsPerSeed: v.requests,
      pass: v.pass,
    })),
  };
}

/** The verify table: law, expected, simulated, 95% CI, verdict. */
export function renderVerifyTable(profile: Profile, verdicts: readonly Verdict[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const table = new Table({
    head: ['law', 'expected', 'simulated', '95% CI', 'result'].map((h) => c.bold(h)),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const v of verdicts) {
    const f = (x: number) => formatLawValue(v.law.unit, x);
    const ci = v.standardError === 0 ? 'exact' : `${f(v.low)} .. ${f(v.high)}`;
    table.push([v.law.name, expectedText(v), f(v.simulated), ci, v.pass ? c.green('pass') : c.red('FAIL')]);
  }
  const passed = verdicts.filter((v) => v.pass).length;
  const summary = `${passed} of ${verdicts.length} laws hold (${profile === 'quick' ? 'quick samples' : 'full samples'})`;
  return `${table.toString()}\n${passed === verdicts.length ? c.green(summary) : c.red(summary)}`;
}

function expectedText(v: Verdict): string {
  const value = formatLawValue(v.law.unit, v.law.expected);
  return v.law.relation === 'at-most' ? `<= ${value}` : value;
}

/** A law's value in its unit, with enough digits to judge it. */
export function formatLawValue(unit: LawUnit, value: number): string {
  switch (unit) {
    case 'ratio':
      return `${value.toFixed(4)}x`;
    case 'share':
      if (value === 0) return '0%';
      return Math.abs(value) >= 0.001 ? `${(value * 100).toFixed(3)}%` : `${(value * 100).toPrecision(3)}%`;
    case 'ms':
      return `${value.toFixed(2)} ms`;
    case 'usd':
      return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    case 'perSec':
      return `${value.toFixed(4)}/s`;
    case 'tokens':
      return value.toFixed(1);
  }
}
