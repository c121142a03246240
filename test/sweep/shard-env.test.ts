import { describe, expect, it } from 'vitest';
import { SweepSpecError } from '../../src/sweep/grid.js';
import { parseShardOption, shardFromEnvironment } from '../../src/sweep/shard-env.js';

describe('--shard auto reads the shard from the batch engine', () => {
  it('takes i/n as given, and HARNESS_SIM_SHARD=i/n from a CI matrix', () => {
    expect(parseShardOption('2/4', {})).toEqual({ number: 2, count: 4 });
    expect(parseShardOption('auto', { HARNESS_SIM_SHARD: '3/4' })).toEqual({ number: 3, count: 4 });
  });

  it('maps each engine 0-based index to the 1-based shard, with the count the engine or HARNESS_SIM_SHARD_COUNT gives', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', HARNESS_SIM_SHARD_COUNT: '3' })).toEqual({ number: 1, count: 3 });
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '2', HARNESS_SIM_SHARD_COUNT: '3' })).toEqual({ number: 3, count: 3 });
    expect(shardFromEnvironment({ CLOUD_RUN_TASK_INDEX: '1', CLOUD_RUN_TASK_COUNT: '5' })).toEqual({ number: 2, count: 5 });
    expect(parseShardOption('auto/6', { JOB_COMPLETION_INDEX: '5' })).toEqual({ number: 6, count: 6 });
  });

  it('reads a Slurm array from its first id and step (--array=1-3 and --array=0-8:4)', () => {
    const base = { SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '1' };
    expect([1, 2, 3].map((id) => shardFromEnvironment({ ...base, SLURM_ARRAY_TASK_ID: String(id) }))).toEqual([
      { number: 1, count: 3 },
      { number: 2, count: 3 },
      { number: 3, count: 3 },
    ]);
    const stepped = { SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '4' };
    expect(shardFromEnvironment({ ...stepped, SLURM_ARRAY_TASK_ID: '8' })).toEqual({ number: 3, count: 3 });
    expect(() => shardFromEnvironment({ ...stepped, SLURM_ARRAY_TASK_ID: '5' })).toThrow(/SLURM_ARRAY_TASK_ID=5 is not on the array 0, 4/);
  });

  it('refuses, naming the variable: no engine, two engines, no count, an index past the count, a value that is not a number', () => {
    const refuse = (env: NodeJS.ProcessEnv, text = 'auto') => {
      try {
        parseShardOption(text, env);
      } catch (error) {
        expect(error).toBeInstanceOf(SweepSpecError);
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(refuse({})).toMatch(/^--shard auto: found no shard index in the environment \(looked for HARNESS_SIM_SHARD, JOB_COMPLETION_INDEX/);
    expect(refuse({ JOB_COMPLETION_INDEX: '0', AWS_BATCH_JOB_ARRAY_INDEX: '0' })).toMatch(/more than one engine \(JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX\)/);
    expect(refuse({ AWS_BATCH_JOB_ARRAY_INDEX: '1' })).toMatch(/AWS_BATCH_JOB_ARRAY_INDEX is set \(AWS Batch array job\) but not the number of shards; set HARNESS_SIM_SHARD_COUNT, or pass --shard auto\/N/);
    expect(refuse({ JOB_COMPLETION_INDEX: '3', HARNESS_SIM_SHARD_COUNT: '3' })).toMatch(/gives task 3 \(0-based\), but there are only 3 shards/);
    expect(refuse({ CLOUD_RUN_TASK_INDEX: 'one', CLOUD_RUN_TASK_COUNT: '2' })).toMatch(/CLOUD_RUN_TASK_INDEX must be a whole number from 0 to 100000, got "one"/);
    expect(refuse({ HARNESS_SIM_SHARD: '5/4' })).toMatch(/HARNESS_SIM_SHARD must be i\/n with 1 <= i <= n, such as 2\/4, got "5\/4"/);
    expect(refuse({ HARNESS_SIM_SHARD: '1/4' }, 'auto/3')).toMatch(/--shard auto\/3: HARNESS_SIM_SHARD=1\/4 says 4 shards/);
    expect(refuse({}, 'auto/0')).toMatch(/--shard auto\/N must be a whole number from 1/);
  });
});
