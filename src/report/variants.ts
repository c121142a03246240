import type { ParsedScenario } from '../scenario/schema.js';
import { didYouMean } from '../text/suggest.js';

/**
 * Layer variants of one scenario: the same upstream, workload and seed with a chosen set of
 * harness layers switched on, so `compare` can show what each layer buys.
 */

/**
 * The harness layers in ladder order: admission first, then where requests go, then how
 * failures are contained, retried, hedged, scoped, and finally what caching saves.
 */
export const LADDER_ORDER = ['capacity', 'routing', 'breaker', 'retry', 'hedge', 'scope', 'cache', 'session'] as const;

/** A harness layer's block name under `layers:`. */
export type LayerName = (typeof LADDER_ORDER)[number];

/** A scenario with the name every report shows. */
export type NamedScenario = ParsedScenario & { name: string };

/** One variant: a label for reports and the scenario to simulate. */
export interface Variant {
  /** `none`, `all`, `retry+breaker`, or a ladder step such as `+retry`. */
  label: string;
  /** The layers switched on in this variant, in ladder order. */
  layers: LayerName[];
  scenario: NamedScenario;
}

/** A variant specification that cannot be applied to the scenario (unknown or absent layer). */
export class VariantError extends Error {
  override name = 'VariantError';
}

/** The layers the scenario has a block for (enabled or not), in ladder order. */
export function layersPresent(scenario: ParsedScenario): LayerName[] {
  return LADDER_ORDER.filter((name) => scenario.layers[name] !== undefined);
}

/** The layers the scenario has switched on as written, in ladder order. */
export function layersEnabled(scenario: ParsedScenario): LayerName[] {
  return LADDER_ORDER.filter((name) => scenario.layers[name]?.enabled === true);
}

/**
 * The scenario with exactly `enabled` switched on, each with the scenario's own settings,
 * and every other layer it has switched off. The input is not modified.
 */
export function withLayers(scenario: NamedScenario, enabled: readonly LayerName[]): NamedScenario {
  const layers: Record<string, unknown> = {};
  for (const name of layersPresent(scenario)) {
    layers[name] = { ...scenario.layers[name], enabled: enabled.includes(name) };
  }
  return { ...scenario, layers: layers as ParsedScenario['layers'] };
}

/**
 * Derives the variant a specification names: `none` (every layer off), `all` (the scenario
 * as written), or `+`-joined layer names such as `retry+breaker` (only those on).
 * Throws `VariantError` for an unknown name or a layer the scenario has no block for,
 * since the variant would silently equal another one.
 */
export function deriveVariant(scenario: NamedScenario, spec: string): Variant {
  const text = spec.trim();
  if (text === 'all') return { label: 'all', layers: layersEnabled(scenario), scenario };
  if (text === 'none') return { label: 'none', layers: [], scenario: withLayers(scenario, []) };
  const present = layersPresent(scenario);
  const names = text.split('+').map((part) => part.trim());
  for (const name of names) {
    if (!(LADDER_ORDER as readonly string[]).includes(name)) {
      const suggestion = didYouMean(name, [...LADDER_ORDER, 'none', 'all']);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : ` (expected none, all, or ${LADDER_ORDER.join(', ')} joined by +)`;
      throw new VariantError(`unknown layer "${name}" in "${text}"${hint}`);
    }
    if (!present.includes(name as LayerName)) {
      throw new VariantError(`layer "${name}" is not in scenario ${scenario.name} (it has: ${present.join(', ') || 'no layers'})`);
    }
  }
  const layers = LADDER_ORDER.filter((name) => names.includes(name));
  return { label: layers.join('+'), layers, scenario: withLayers(scenario, layers) };
}

/**
 * The ladder: every layer off, then the scenario's layers added one at a time in
 * `LADDER_ORDER`, ending with all of them on (one more variant than the scenario has layers).
 * Each step keeps the ones before it, so a column's delta from its left neighbour is what
 * that one layer adds.
 */
export function ladderVariants(scenario: NamedScenario): Variant[] {
  const present = layersPresent(scenario);
  const variants: Variant[] = [{ label: 'none', layers: [], scenario: withLayers(scenario, []) }];
  for (let i = 0; i < present.length; i++) {
    const layers = present.slice(0, i + 1);
    variants.push({ label: `+${present[i]}`, layers, scenario: withLayers(scenario, layers) });
  }
  return variants;
}

/**
 * Each layer alone: every layer off (`none`, the reference), then each of the scenario's
 * layers switched on by itself. A column's delta from `none` is what that layer buys on its
 * own, whatever order a ladder would have put it in.
 */
export function eachLayerVariants(scenario: NamedScenario): Variant[] {
  const present = layersPresent(scenario);
  return [{ label: 'none', layers: [], scenario: withLayers(scenario, []) }, ...present.map((name) => ({ label: name, layers: [name], scenario: withLayers(scenario, [name]) }))];
}

/**
 * Leave one out: every layer of the scenario on (`all`, the reference), then each one
 * switched off in turn (`-retry`). A column's delta from `all` is what the stack loses
 * without that layer, with every other layer there to cover for it.
 */
export function leaveOneOutVariants(scenario: NamedScenario): Variant[] {
  const present = layersPresent(scenario);
  const without = (name: LayerName) => present.filter((other) => other !== name);
  return [
    { label: 'all', layers: present, scenario: withLayers(scenario, present) },
    ...present.map((name) => ({ label: `-${name}`, layers: without(name), scenario: withLayers(scenario, without(name)) })),
  ];
}
