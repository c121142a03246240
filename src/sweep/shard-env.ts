import { parseShard, SweepSpecError, type Shard } from './grid.js';

/**
 * `--shard auto`: the shard a batch engine gave this process, read from the variables the
 * engine sets on each task of an array (or from `HARNESS_SIM_SHARD=i/n`, which a CI matrix
 * passes by hand). Only which points run depends on the shard: every replication's seed
 * comes from the root seed and the replication index, so a merge of any number of parts
 * equals the unsharded run.
 */

/** One engine's variables: where its index (and, when it publishes one, its count) lives. */
interface EngineVariables {
  engine: string;
  /** The 0-based task index. */
  index: string;
  /** The number of tasks, when the engine sets it; else `HARNESS_SIM_SHARD_COUNT` or `auto/N`. */
  count?: string;
}

/** The explicit form, `i/n` 1-based as `--shard` takes it: for CI matrices and anything else. */
export const SHARD_VARIABLE = 'HARNESS_SIM_SHARD';
/** The task count for engines that do not publish one (Kubernetes, AWS Batch). */
export const SHARD_COUNT_VARIABLE = 'HARNESS_SIM_SHARD_COUNT';

/** The engines `--shard auto` recognises, in the order they are looked for. */
export const ENGINES: readonly EngineVariables[] = [
  { engine: 'Kubernetes Indexed Job', index: 'JOB_COMPLETION_INDEX' },
  { engine: 'AWS Batch array job', index: 'AWS_BATCH_JOB_ARRAY_INDEX' },
  { engine: 'Slurm job array', index: 'SLURM_ARRAY_TASK_ID', count: 'SLURM_ARRAY_TASK_COUNT' },
  { engine: 'Cloud Run job', index: 'CLOUD_RUN_TASK_INDEX', count: 'CLOUD_RUN_TASK_COUNT' },
];

/** The most shards a run may be split into (a part per shard). */
export const MAX_SHARDS = 100_000;

/**
 * Parses a `--shard` value: `i/n`, or `auto` (index and count from the environment), or
 * `auto/N` (index from the environment, N shards). Throws `SweepSpecError` naming the
 * option, or the variable at fault.
 */
export function parseShardOption(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const auto = /^\s*auto\s*(?:\/\s*(\S+)\s*)?$/.exec(text);
  if (auto === null) return parseShard(text);
  const count = auto[1] === undefined ? undefined : wholeNumber(auto[1], `--shard auto/N`, 1);
  return shardFromEnvironment(env, count);
}

/**
 * The shard the environment names. `HARNESS_SIM_SHARD` wins; otherwise exactly one engine's
 * index variable must be set. `count` (from `auto/N`) overrides the engine's count.
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv, count?: number): Shard {
  const explicit = env[SHARD_VARIABLE];
  if (explicit !== undefined && explicit.trim() !== '') {
    let shard: Shard;
    try {
      shard = parseShard(explicit);
    } catch {
      throw new SweepSpecError(`--shard auto: ${SHARD_VARIABLE} must be i/n with 1 <= i <= n, such as 2/4, got ${quote(explicit)}`);
    }
    if (count !== undefined && count !== shard.count) {
      throw new SweepSpecError(`--shard auto/${count}: ${SHARD_VARIABLE}=${shard.number}/${shard.count} says ${shard.count} shards`);
    }
    return shard;
  }
  const found = ENGINES.filter((e) => env[e.index] !== undefined && env[e.index]!.trim() !== '');
  if (found.length === 0) {
    const names = [SHARD_VARIABLE, ...ENGINES.map((e) => e.index)].join(', ');
    throw new SweepSpecError(`--shard auto: found no shard index in the environment (looked for ${names}); outside a batch engine use --shard i/n`);
  }
  if (found.length > 1) {
    throw new SweepSpecError(`--shard auto: the environment names more than one engine (${found.map((e) => e.index).join(', ')}); set ${SHARD_VARIABLE}=i/n to choose`);
  }
  const engine = found[0]!;
  const index = engineIndex(engine, env);
  const total = count ?? engineCount(engine, env);
  if (index >= total) {
    throw new SweepSpecError(`--shard auto: ${engine.index} gives task ${index} (0-based), but there are only ${total} shards`);
  }
  return { number: index + 1, count: total };
}

/** The 0-based task index; for Slurm, relative to the array's first id and step (`--array=1-3`). */
function engineIndex(engine: EngineVariables, env: NodeJS.ProcessEnv): number {
  const index = wholeNumber(env[engine.index]!, engine.index, 0);
  if (engine.index !== 'SLURM_ARRAY_TASK_ID') return index;
  const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : wholeNumber(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', 0);
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : wholeNumber(env.SLURM_ARRAY_TASK_STEP, 'SLURM_ARRAY_TASK_STEP', 1);
  if (index < min || (index - min) % step !== 0) {
    throw new SweepSpecError(`--shard auto: SLURM_ARRAY_TASK_ID=${index} is not on the array ${min}, ${min + step}, ... (SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_STEP)`);
  }
  return (index - min) / step;
}

/** The engine's task count, else `HARNESS_SIM_SHARD_COUNT`. */
function engineCount(engine: EngineVariables, env: NodeJS.ProcessEnv): number {
  for (const name of [engine.count, SHARD_COUNT_VARIABLE]) {
    if (name !== undefined && env[name] !== undefined && env[name]!.trim() !== '') return wholeNumber(env[name]!, name, 1);
  }
  const where = engine.count ? `${engine.count} or ${SHARD_COUNT_VARIABLE}` : SHARD_COUNT_VARIABLE;
  throw new SweepSpecError(`--shard auto: ${engine.index} is set (${engine.engine}) but not the number of shards; set ${where}, or pass --shard auto/N`);
}

function wholeNumber(text: string, name: string, min: number): number {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > MAX_SHARDS) {
    throw new SweepSpecError(`--shard auto: ${name} must be a whole number from ${min} to ${MAX_SHARDS}, got ${quote(text)}`);
  }
  return n;
}

/** A value from the environment, quoted and cut short: it may be anything. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}
