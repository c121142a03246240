import { readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { explainScenario, withImplicitDefaults } from '../../src/scenario/explain.js';
import { loadScenarioFile, parseScenarioText } from '../../src/scenario/load.js';

const BUNDLED = readdirSync('scenarios')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => `scenarios/${f}`);

describe('explainScenario', () => {
  it.each(BUNDLED)('writes %s back as YAML that loads to the very same scenario', (file) => {
    const { scenario } = loadScenarioFile(file);
    // Defaults left undefined for validation's sake come back written; the run is the same.
    expect(parseScenarioText(explainScenario(scenario, file), file)).toEqual(withImplicitDefaults(scenario));
  });

  it('writes every unit in human form and fills in the defaults', () => {
    const { scenario } = loadScenarioFile('scenarios/seed-lab.yaml');
    const shown = parse(explainScenario(scenario, 'scenarios/seed-lab.yaml'));
    expect(shown.duration).toBe('30d');
    expect(shown.workload.requests).toBe('10M');
    expect(shown.workload.prompt.prefix[1].tokens).toBe('3.2K');
    expect(shown.workload.tokens.output.p50).toBe(300);
    expect(shown.upstream.models.sonnet.errors.rate).toBe('4%');
    expect(shown.upstream.models.sonnet.price).toEqual({ input: '$3', output: '$15' });
    expect(shown.layers.retry.baseDelay).toBe('250ms');
    expect(shown.layers.retry.maxDelay).toBe('4s');
    expect(shown.layers.breaker.failureRateThreshold).toBe('25%');
    // Defaults the file never wrote: the error latency and the breaker's counted outcomes.
    expect(shown.upstream.models.sonnet.errors.latency).toEqual({ dist: 'constant', value: '50ms' });
    expect(shown.layers.breaker.countAsFailure).toEqual(['429', '529', '500', '503', 'timeout', 'quota']);
    expect(shown.layers.capacity.perKey.unlisted).toBe('deny');
  });

  it('ends with the layer order, marking only the layers this scenario turns on', () => {
    const text = 'upstream:\n  models:\n    sonnet: {}\nlayers:\n  retry: {}\n  breaker: { enabled: false }\n';
    const lines = explainScenario(parseScenarioText(text, 'r.yaml'), 'r.yaml').split('\n');
    const order = lines.slice(lines.indexOf('# The order a request meets the layers ([x] = on in this scenario):') + 1).filter((l) => l.startsWith('# ['));
    expect(order).toEqual([
      '# [ ] capacity: per-key limit',
      '# [ ] capacity: token budget',
      '# [ ] capacity: backpressure',
      '# [ ] routing: classifier',
      '# [ ] routing: tier',
      '# [ ]   breaker',
      '# [x]   retry',
      '# [ ]   fallback',
      '# [ ] quality fallback',
      '# [ ]   scope',
      '# [ ]   tool breaker',
      '# [ ]   retry',
    ]);
    expect(lines).toContain('#       call ([ ] prompt cache prices every model call; [ ] client timeout)');
  });

  it('marks every layer of seed-lab as on', () => {
    const { scenario } = loadScenarioFile('scenarios/seed-lab.yaml');
    const marks = explainScenario(scenario, 'seed-lab').split('\n').filter((l) => /^# \[.\]/.test(l));
    expect(marks).toHaveLength(12);
    expect(marks.filter((l) => l.startsWith('# [ ]'))).toEqual([]);
  });

  it('shows what each model\'s cached calls are priced by (ttl 1h writes at 2x; layers.cache.models on top), and loads back', () => {
    const text = `
name: cache-prices
workload: { prompt: { prefix: [{ name: system, tokens: 5K }] } }
upstream:
  models:
    haiku: {}
    sonnet: {}
layers:
  cache: { ttl: 1h, models: { haiku: { minCacheableTokens: 4096, readMultiplier: 20% } } }
`;
    const scenario = parseScenarioText(text, 'cache.yaml');
    const explained = explainScenario(scenario, 'cache.yaml');
    expect(explained).toContain('# Prompt cache (anthropic, TTL 1h; an entry is readable once the response that wrote it has begun), per model:');
    expect(explained).toContain('#   "haiku": writes 2x, reads 0.2x the input price; prompts under 4096 tokens are not cached');
    expect(explained).toContain('#   "sonnet": writes 2x, reads 0.1x the input price; prompts under 1024 tokens are not cached');
    expect(parseScenarioText(explained, 'cache.yaml')).toEqual(scenario);
    expect(explainScenario(parseScenarioText(text.replace(/layers:\n  cache:.*/, ''), 'c.yaml'), 'c.yaml')).not.toContain('Prompt cache');
  });

  it('refuses layers.cache.models naming a model the scenario does not have', () => {
    const text = 'name: x\nupstream: { models: { sonnet: {} } }\nlayers: { cache: { models: { gpt: { minCacheableTokens: 4096 } } } }\n';
    expect(() => parseScenarioText(text, 'x.yaml')).toThrow('layers.cache.models.gpt: expected one of the models (sonnet), got "gpt"');
  });

  it('shows the average error rate each target\'s episodes imply, and loads back with its episodes', () => {
    const text = `
name: episodes
upstream:
  models:
    sonnet:
      errors: { rate: 1%, episodes: { every: 5m, lasting: 1m, rate: 91%, dist: lognormal, sigma: 0.5, mix: { "529": 1 } } }
    haiku: {}
  tools:
    search: { errors: { rate: 0, episodes: { every: 10m, lasting: 1m, rate: 50% } } }
workload: { tools: { search: 0.5 } }
`;
    const scenario = parseScenarioText(text, 'episodes.yaml');
    const explained = explainScenario(scenario, 'episodes.yaml');
    // f = 1 / 5 = 20%: 1% x 80% + 91% x 20% = 19%; the tool: f = 10%, 50% x 10% = 5%.
    expect(explained).toContain('#   "sonnet": 1% x (1 - 20%) + 91% x 20% = 19% on average');
    expect(explained).toContain('#   "search": 0% x (1 - 10%) + 50% x 10% = 5% on average');
    expect(explained).not.toContain('"haiku"');
    expect(parse(explained).upstream.models.sonnet.errors.episodes).toEqual({ every: '5m', lasting: '1m', dist: 'lognormal', sigma: 0.5, rate: '91%', mix: { '529': '100%' } });
    expect(parseScenarioText(explained, 'episodes.yaml')).toEqual(scenario);
  });

  it('says nothing about episodes when no target has them', () => {
    const { scenario } = loadScenarioFile('scenarios/retry-basics.yaml');
    expect(explainScenario(scenario, 'retry-basics.yaml')).not.toContain('episodes');
  });
});
