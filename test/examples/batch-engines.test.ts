import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * The batch-engine examples in `examples/` run as written: each shard's command line, taken
 * from the manifest, job definition or script, runs here with the variables the engine
 * would set (3 shards), then the merge's; the merged table must equal the unsharded sweep's
 * byte for byte. Only two things differ from a real cluster: the parts go to a temporary
 * folder instead of the shared volume, and each point simulates 1K requests, not 200K.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const SHARDS = 3;
let dir = '';

beforeAll(() => {
  // dist/ is built once by test/global-setup.ts.
  dir = mkdtempSync(join(tmpdir(), 'harness-sim-batch-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The sweep's definition at a test's volume: the example's own, 1K requests a point. */
function small(sweepArgs: string): string {
  expect(sweepArgs).toMatch(/--requests 200K/);
  return sweepArgs.replace('--requests 200K', '--requests 1K');
}

/** Runs `command` in the repository root with `env` on top of this process's (minus any engine variables). */
function run(command: readonly string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HARNESS_SIM_|JOB_COMPLETION_INDEX|AWS_BATCH_|SLURM_|CLOUD_RUN_)/.test(k)));
  const result = spawnSync(command[0]!, command.slice(1), { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const references = new Map<string, string>();

/** What one unsharded sweep prints as Markdown: the reference every merge must equal. */
function unsharded(sweepArgs: string): string {
  const known = references.get(sweepArgs);
  if (known !== undefined) return known;
  const result = run(['node', 'dist/cli/main.js', 'sweep', ...sweepArgs.split(/\s+/).filter(Boolean), '--format', 'md'], {});
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  references.set(sweepArgs, result.stdout);
  return result.stdout;
}

function envList(entries: readonly { name: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.name, e.value]));
}

describe('batch-engine examples run their command lines for 3 shards and merge to the unsharded sweep', () => {
  it('Kubernetes Indexed Job: JOB_COMPLETION_INDEX 0..2, then the merge job', () => {
    const docs = (file: string) => parseAllDocuments(readFileSync(join(EXAMPLES, 'kubernetes', file), 'utf8')).map((d) => d.toJS());
    const sweepJob = docs('sweep-indexed-job.yaml').find((d) => d.kind === 'Job');
    const mergeJob = docs('merge-job.yaml').find((d) => d.kind === 'Job');
    expect(sweepJob.spec).toMatchObject({ completionMode: 'Indexed', completions: SHARDS, parallelism: SHARDS });
    const shard = sweepJob.spec.template.spec.containers[0];
    const env = envList(shard.env);
    expect(env.HARNESS_SIM_SHARD_COUNT).toBe(String(SHARDS));
    const parts = join(dir, 'k8s', 'parts');
    const sweepArgs = small(env.SWEEP_ARGS!);
    for (let index = 0; index < SHARDS; index++) {
      const result = run(shard.command, { ...env, SWEEP_ARGS: sweepArgs, PARTS: parts, JOB_COMPLETION_INDEX: String(index) });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(JSON.parse(readFileSync(join(parts, `part-${index}.json`), 'utf8')).shard).toBe(`${index + 1}/${SHARDS}`);
    }
    const merge = mergeJob.spec.template.spec.containers[0];
    const merged = run(merge.command, { ...envList(merge.env), PARTS: parts });
    expect(merged.status).toBe(0);
    expect(readFileSync(join(parts, 'sweep.md'), 'utf8')).toBe(unsharded(sweepArgs));
    expect(merged.stdout).toBe(unsharded(sweepArgs));
  });

  it('AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX 0..2, then the merge job that depends on the array', () => {
    const definition = (file: string) => JSON.parse(readFileSync(join(EXAMPLES, 'aws-batch', file), 'utf8')).containerProperties;
    const sweep = definition('sweep-job-definition.json');
    const merge = definition('merge-job-definition.json');
    expect(readFileSync(join(EXAMPLES, 'aws-batch', 'submit.sh'), 'utf8')).toContain(`--array-properties size=${SHARDS}`);
    const env = envList(sweep.environment);
    expect(env.HARNESS_SIM_SHARD_COUNT).toBe(String(SHARDS));
    const parts = join(dir, 'aws', 'parts');
    const sweepArgs = small(env.SWEEP_ARGS!);
    for (let index = 0; index < SHARDS; index++) {
      const result = run(sweep.command, { ...env, SWEEP_ARGS: sweepArgs, PARTS: parts, AWS_BATCH_JOB_ARRAY_INDEX: String(index) });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
    const merged = run(merge.command, { ...envList(merge.environment), PARTS: parts });
    expect(merged.status).toBe(0);
    expect(readFileSync(join(dir, 'aws', 'sweep.md'), 'utf8')).toBe(unsharded(sweepArgs));
  });

  it('Slurm job array (--array=1-3): the sbatch script per task id, then the merge script', () => {
    const script = readFileSync(join(EXAMPLES, 'slurm', 'sweep.sbatch'), 'utf8');
    expect(script).toContain(`#SBATCH --array=1-${SHARDS}`);
    const sweepArgs = small(/SWEEP_ARGS="\$\{SWEEP_ARGS:-(.*)\}"/.exec(script)![1]!);
    const parts = join(dir, 'slurm', 'parts');
    mkdirSync(parts, { recursive: true });
    for (let id = 1; id <= SHARDS; id++) {
      const env = { SWEEP_ARGS: sweepArgs, PARTS: parts, SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: String(SHARDS), SLURM_ARRAY_TASK_COUNT: String(SHARDS), SLURM_CPUS_PER_TASK: '2' };
      const result = run(['bash', join(EXAMPLES, 'slurm', 'sweep.sbatch')], env);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
    const merged = run(['bash', join(EXAMPLES, 'slurm', 'merge.sbatch')], { PARTS: parts });
    expect(merged.status).toBe(0);
    expect(merged.stdout).toBe(unsharded(sweepArgs));
  });

  it('every example runs the same sweep, so their merges agree with each other and with the GitHub Actions one', () => {
    const k8s = parseAllDocuments(readFileSync(join(EXAMPLES, 'kubernetes', 'sweep-indexed-job.yaml'), 'utf8')).map((d) => d.toJS()).find((d) => d.kind === 'Job');
    const aws = JSON.parse(readFileSync(join(EXAMPLES, 'aws-batch', 'sweep-job-definition.json'), 'utf8')).containerProperties;
    const slurm = /SWEEP_ARGS="\$\{SWEEP_ARGS:-(.*)\}"/.exec(readFileSync(join(EXAMPLES, 'slurm', 'sweep.sbatch'), 'utf8'))![1]!;
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    const reference = words(envList(k8s.spec.template.spec.containers[0].env).SWEEP_ARGS!);
    expect(words(envList(aws.environment).SWEEP_ARGS!)).toEqual(reference);
    expect(words(slurm)).toEqual(reference);
  });
});
