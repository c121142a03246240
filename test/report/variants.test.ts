import { describe, expect, it } from 'vitest';
import { deriveVariant, eachLayerVariants, ladderVariants, LADDER_ORDER, leaveOneOutVariants, layersEnabled, layersPresent, VariantError, withLayers } from '../../src/report/variants.js';
import { loadScenarioFile, parseScenarioText } from '../../src/scenario/load.js';

const lab = loadScenarioFile('scenarios/seed-lab.yaml').scenario;

/** A scenario with only retry (switched off as written) and breaker. */
const small = parseScenarioText(
  `
name: small
upstream:
  models:
    m: { latency: { dist: constant, value: 100ms }, errors: { rate: 4% } }
layers:
  breaker: { window: 60s }
  retry: { enabled: false, maxAttempts: 5 }
`,
  'small.yaml',
);

const enabledOf = (s: typeof lab) => LADDER_ORDER.filter((name) => s.layers[name]?.enabled);

describe('layer variants', () => {
  it('finds the layers a scenario has blocks for, in ladder order, and which are on', () => {
    expect(layersPresent(lab)).toEqual(['capacity', 'routing', 'breaker', 'retry', 'scope', 'cache']);
    expect(layersPresent(small)).toEqual(['breaker', 'retry']);
    expect(layersEnabled(small)).toEqual(['breaker']);
  });

  it('switches every layer off for none, keeping their settings', () => {
    const v = deriveVariant(lab, 'none');
    expect(v.label).toBe('none');
    expect(v.layers).toEqual([]);
    expect(enabledOf(v.scenario)).toEqual([]);
    expect(v.scenario.layers.retry?.maxAttempts).toBe(3);
    expect(v.scenario.layers.breaker?.failureRateThreshold).toBe(0.25);
  });

  it('returns the scenario as written for all', () => {
    const v = deriveVariant(small, 'all');
    expect(v.scenario).toBe(small);
    expect(v.layers).toEqual(['breaker']);
  });

  it('switches on exactly the named layers with the scenario settings, labelled in ladder order', () => {
    const v = deriveVariant(lab, 'retry+breaker');
    expect(v.label).toBe('breaker+retry');
    expect(enabledOf(v.scenario)).toEqual(['breaker', 'retry']);
    expect(v.scenario.layers.retry).toEqual({ ...lab.layers.retry, enabled: true });
    expect(v.scenario.layers.cache).toEqual({ ...lab.layers.cache, enabled: false });
  });

  it('switches on a layer the scenario wrote as disabled when the variant names it', () => {
    const v = deriveVariant(small, 'retry');
    expect(v.scenario.layers.retry).toMatchObject({ enabled: true, maxAttempts: 5 });
    expect(v.scenario.layers.breaker?.enabled).toBe(false);
  });

  it('leaves the input scenario untouched', () => {
    const before = JSON.stringify(lab);
    deriveVariant(lab, 'none');
    withLayers(lab, ['retry']);
    ladderVariants(lab);
    expect(JSON.stringify(lab)).toBe(before);
  });

  it('refuses a layer the scenario has no block for, naming it and the layers it has', () => {
    expect(() => deriveVariant(small, 'retry+cache')).toThrow(VariantError);
    expect(() => deriveVariant(small, 'retry+cache')).toThrow('layer "cache" is not in scenario small (it has: breaker, retry)');
  });

  it('refuses an unknown layer name with the closest known one', () => {
    expect(() => deriveVariant(lab, 'retyr')).toThrow('unknown layer "retyr" in "retyr"; did you mean "retry"?');
  });

  it('builds the ladder: none, then each layer added in capacity, routing, breaker, retry, scope, cache order', () => {
    const ladder = ladderVariants(lab);
    expect(ladder).toHaveLength(7);
    expect(ladder.map((v) => v.label)).toEqual(['none', '+capacity', '+routing', '+breaker', '+retry', '+scope', '+cache']);
    // seed-lab has every layer but hedge.
    const order = LADDER_ORDER.filter((name) => name !== 'hedge');
    for (let i = 0; i < ladder.length; i++) {
      expect(enabledOf(ladder[i]!.scenario)).toEqual(order.slice(0, i));
      expect(ladder[i]!.layers).toEqual(order.slice(0, i));
    }
    // The top of the ladder is the scenario with every layer on.
    expect(ladder[6]!.scenario.layers).toEqual(lab.layers);
  });

  it('climbs only the layers a scenario has: one step more than it has layers', () => {
    const ladder = ladderVariants(small);
    expect(ladder.map((v) => v.label)).toEqual(['none', '+breaker', '+retry']);
    expect(enabledOf(ladder[2]!.scenario)).toEqual(['breaker', 'retry']);
  });

  it('makes each layer alone: none (the reference), then every layer by itself', () => {
    const each = eachLayerVariants(lab);
    expect(each.map((v) => v.label)).toEqual(['none', 'capacity', 'routing', 'breaker', 'retry', 'scope', 'cache']);
    for (const v of each.slice(1)) expect(enabledOf(v.scenario)).toEqual([v.label]);
    expect(enabledOf(each[0]!.scenario)).toEqual([]);
  });

  it('leaves one out: all (the reference), then every layer but one', () => {
    const loo = leaveOneOutVariants(lab);
    expect(loo.map((v) => v.label)).toEqual(['all', '-capacity', '-routing', '-breaker', '-retry', '-scope', '-cache']);
    expect(loo[0]!.scenario.layers).toEqual(lab.layers);
    for (const v of loo.slice(1)) expect(enabledOf(v.scenario)).toEqual(layersPresent(lab).filter((name) => `-${name}` !== v.label));
  });

  it('switches a hedge block like any other layer', () => {
    const hedged = parseScenarioText(
      'name: hedged\nupstream: { models: { m: {} } }\nlayers: { retry: {}, hedge: { after: 2s } }\n',
      'hedged.yaml',
    );
    expect(ladderVariants(hedged).map((v) => v.label)).toEqual(['none', '+retry', '+hedge']);
    expect(eachLayerVariants(hedged)[2]!.scenario.layers.hedge!.enabled).toBe(true);
    expect(eachLayerVariants(hedged)[1]!.scenario.layers.hedge!.enabled).toBe(false);
  });
});
