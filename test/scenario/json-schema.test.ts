import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/cli/commands/schema.js';

describe('schema/scenario.schema.json', () => {
  it('is exactly what `harness-sim schema` generates (regenerate: node dist/cli/main.js schema > schema/scenario.schema.json)', () => {
    expect(readFileSync('schema/scenario.schema.json', 'utf8')).toBe(scenarioJsonSchema());
  });

  it('describes unit fields as a number or a string and forbids unknown keys', () => {
    const schema = JSON.parse(scenarioJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.duration).toMatchObject({ default: '30d', type: ['number', 'string'], unit: 'duration' });
    const retry = schema.properties.layers.properties.retry.properties;
    expect(retry.maxAttempts).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(retry.jitter.enum).toEqual(['none', 'full', 'equal', 'decorrelated']);
    expect(schema.properties.extends).toEqual({ type: 'string', minLength: 1 });
  });
});
