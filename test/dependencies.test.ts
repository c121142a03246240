import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Folders point one way: each folder of `src/` imports only from folders below it in this
 * order (lowest first). A new folder must be placed here before it can import anything.
 * Type-only imports count: a type is a dependency too.
 */
const LAYER_ORDER = [
  'random', // seeded streams, keyed draws, distributions, categorical draws
  'text', // units, number formats, did-you-mean
  'telemetry', // per-call records and the log formats read and written
  'layers', // the harness layers: import nothing outside their own folder
  'metrics', // collector, run-output contract, headline registry
  'slo', // SLO expressions and gates over headline metrics
  'scenario', // the YAML language (its `slo:` block is read with `slo`)
  'upstream', // targets and finite-capacity servers
  'workload', // arrivals and per-request draws
  'fit', // fitting a scenario from telemetry
  'engine', // kernel and model handlers
  'runtime', // the layers in real time: createHarness, loadHarnessConfig (the package's main entry)
  'report', // tables, comparisons, charts
  'validation', // closed-form laws and golden helpers
  'sweep', // grids, worker pool
  'tune', // search, racing, Pareto fronts (runs through sweep's pool)
  'lab', // the interactive page over a grid of real runs
  'cli', // commander on top
] as const;

/** Folders that may import nothing outside themselves, whatever their rank. */
const SELF_CONTAINED = new Set(['random', 'text', 'layers']);

const SRC = resolve(__dirname, '../src');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

interface ImportEdge {
  file: string;
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every import from one top-level folder of `src/` into another. */
function crossFolderImports(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = relative(SRC, file).split('/')[0]!;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (!specifier.startsWith('.')) continue;
      const to = relative(SRC, resolve(dirname(file), specifier)).split('/')[0]!;
      if (to !== from) edges.push({ file: relative(SRC, file), from, to });
    }
  }
  return edges;
}

/** The imports that break the order: upward, sideways, or out of a self-contained folder. */
function violations(edges: readonly ImportEdge[], order: readonly string[] = LAYER_ORDER): string[] {
  const rank = new Map(order.map((folder, i) => [folder, i]));
  return edges.flatMap(({ file, from, to }) => {
    if (!rank.has(from)) return [`${file}: folder "${from}" is not in LAYER_ORDER`];
    if (!rank.has(to)) return [`${file} imports "${to}", which is not a folder of src/ in LAYER_ORDER`];
    if (SELF_CONTAINED.has(from)) return [`${file}: ${from}/ imports nothing outside itself, but imports ${to}/`];
    return rank.get(to)! < rank.get(from)! ? [] : [`${file}: ${from}/ may not import ${to}/ (${to} is not below ${from})`];
  });
}

/** The folder graph as text, one line per folder: `engine -> layers, metrics`. */
function graphText(edges: readonly ImportEdge[]): string {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) graph.set(from, (graph.get(from) ?? new Set()).add(to));
  return [...graph].sort(([a], [b]) => a.localeCompare(b)).map(([from, to]) => `${from} -> ${[...to].sort().join(', ')}`).join('\n');
}

describe('folder dependencies', () => {
  const edges = crossFolderImports();

  it('every folder of src/ imports only from folders below it, so the folder graph is acyclic', () => {
    expect(violations(edges), `folder graph:\n${graphText(edges)}`).toEqual([]);
  });

  it('layers, random streams and text helpers import nothing outside their own folder', () => {
    expect(edges.filter((e) => SELF_CONTAINED.has(e.from))).toEqual([]);
  });

  it('every folder of src/ has a place in the order', () => {
    const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
    expect(folders.filter((f) => !(LAYER_ORDER as readonly string[]).includes(f))).toEqual([]);
    expect(readdirSync(SRC).filter((name) => name.endsWith('.ts'))).toEqual([]);
  });

  it('the scan sees real imports (engine reaches layers, cli reaches engine), so an empty list means something', () => {
    const pairs = new Set(edges.map((e) => `${e.from}->${e.to}`));
    expect(pairs.has('engine->layers')).toBe(true);
    expect(pairs.has('cli->engine')).toBe(true);
    expect(pairs.has('upstream->random')).toBe(true);
  });

  it('flags an upward import, a sideways one, and any import out of layers/', () => {
    const found = violations([
      { file: 'metrics/x.ts', from: 'metrics', to: 'engine' },
      { file: 'upstream/y.ts', from: 'upstream', to: 'workload' },
      { file: 'layers/z.ts', from: 'layers', to: 'random' },
      { file: 'scenario/schema.ts', from: 'scenario', to: 'report' },
      { file: 'engine/ok.ts', from: 'engine', to: 'layers' },
    ]);
    expect(found).toHaveLength(4);
    expect(found.join('\n')).toMatch(/metrics\/ may not import engine\//);
    expect(found.join('\n')).toMatch(/scenario\/ may not import report\//);
    expect(found.join('\n')).toMatch(/layers\/ imports nothing outside itself/);
  });
});
