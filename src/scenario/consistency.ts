import type { z } from 'zod';
import { formatDurationMs } from '../text/units.js';

/** A duration as the user writes it (`90s`); a fractional one in ms. */
function duration(ms: number): string {
  return Number.isSafeInteger(ms) && ms >= 0 ? formatDurationMs(ms) : `${ms}ms`;
}

/**
 * Rules spanning several fields that a run would otherwise trip on (an internal error
 * from a layer's constructor) or silently bend (a maximum delay raised to the base delay,
 * an incident that never happens). Each is reported at the key to change.
 */

interface Window {
  at: number;
  for: number;
}

/** The parts of a parsed scenario these rules read. */
export interface ConsistencyView {
  duration: number;
  workload: {
    tenants: Record<string, number>;
    arrival: 'poisson' | { bursts: Window[] };
    schedules: (Window & { tenant: string })[];
    prompt: { prefix: { name: string }[] };
  };
  upstream: { incidents: (Window & { target: string })[]; defaultModel?: string | undefined; models: Record<string, unknown> };
  layers: {
    retry?: { baseDelay: number; maxDelay: number };
    routing?: { enabled: boolean; fallback: string[]; tiers?: { trivial: string; standard: string; complex: string } | undefined };
    capacity?: { perKey?: { shares: Record<string, number>; unlisted?: string | undefined } };
    cache?: { preset: string; breakpoint?: string };
  };
}

export function checkConsistency(scenario: ConsistencyView, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  const retry = scenario.layers.retry;
  if (retry && retry.maxDelay < retry.baseDelay) {
    issue(['layers', 'retry', 'maxDelay'], `expected at least baseDelay (${duration(retry.baseDelay)}), got ${duration(retry.maxDelay)}`);
  }

  const seen = new Map<string, number>();
  (scenario.layers.routing?.fallback ?? []).forEach((model, i) => {
    const first = seen.get(model);
    if (first !== undefined) issue(['layers', 'routing', 'fallback', i], `expected each model once in the chain, got "${model}" again (first at [${first}])`);
    else seen.set(model, i);
  });

  // The chain starts where a request's model sits in it: a model outside it never falls back,
  // which is never what `fallback: [other]` means.
  const routing = scenario.layers.routing;
  if (routing?.enabled && routing.fallback.length > 0) {
    const defaultModel = scenario.upstream.defaultModel ?? Object.keys(scenario.upstream.models)[0];
    const starts = new Set(routing.tiers ? [routing.tiers.trivial, routing.tiers.standard, routing.tiers.complex] : [defaultModel]);
    const outside = [...starts].filter((m): m is string => m !== undefined && !routing.fallback.includes(m));
    if (outside.length > 0) {
      const names = outside.map((m) => `"${m}"`).join(', ');
      issue(
        ['layers', 'routing', 'fallback'],
        `expected the chain to include ${names} (${routing.tiers ? 'a tier model' : 'the default model'}): it lists models weakest to strongest and a request falls back from where its model sits, so a model outside it never falls back; e.g. fallback: [${[...outside, ...routing.fallback].join(', ')}]`,
      );
    }
  }

  const layerNames = new Map<string, number>();
  scenario.workload.prompt.prefix.forEach((layer, i) => {
    const first = layerNames.get(layer.name);
    if (first !== undefined) issue(['workload', 'prompt', 'prefix', i, 'name'], `expected a name no other prefix layer has, got "${layer.name}" again (first at [${first}])`);
    else layerNames.set(layer.name, i);
  });

  const cache = scenario.layers.cache;
  if (cache?.preset === 'openai' && cache.breakpoint !== undefined) {
    issue(['layers', 'cache', 'breakpoint'], 'expected no breakpoint with preset openai (it caches the longest stable prefix by itself), got one');
  }

  const perKey = scenario.layers.capacity?.perKey;
  if (perKey) {
    for (const [tenant, share] of Object.entries(perKey.shares)) {
      if (!(share > 0)) issue(['layers', 'capacity', 'perKey', 'shares', tenant], `expected a share above 0 (a tenant with no quota: leave it out and set unlisted: deny), got ${share}`);
    }
    // Only when unlisted is left out (deny by default): an explicit deny rejects them on purpose.
    if (perKey.unlisted === undefined) {
      const left = Object.entries(scenario.workload.tenants).filter(([tenant, share]) => share > 0 && !Object.hasOwn(perKey.shares, tenant));
      if (left.length > 0) {
        const names = left.map(([t]) => `"${t}"`).join(', ');
        issue(
          ['layers', 'capacity', 'perKey', 'shares'],
          `expected a share for every tenant with traffic, got none for ${names}: every request of ${left.length > 1 ? 'those tenants' : 'that tenant'} would be rejected (unlisted: deny); give ${left.length > 1 ? 'them shares' : 'it a share'}, or set unlisted: deny (to reject them), share or allow`,
        );
      }
    }
  }

  // A window that starts at or after the end of the run never happens: refuse it rather than
  // report a scenario "with an incident" whose run had none.
  const end = scenario.duration;
  const outside = (w: Window) => w.at >= end;
  const past = (w: Window) => `expected a start before the run ends (duration ${duration(end)}), got ${duration(w.at)}`;
  scenario.upstream.incidents.forEach((w, i) => outside(w) && issue(['upstream', 'incidents', i, 'at'], past(w)));
  if (typeof scenario.workload.arrival === 'object') {
    scenario.workload.arrival.bursts.forEach((w, i) => outside(w) && issue(['workload', 'arrival', 'bursts', i, 'at'], past(w)));
  }
  scenario.workload.schedules.forEach((w, i) => outside(w) && issue(['workload', 'schedules', i, 'at'], past(w)));
}
