import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = resolve(__dirname, '../../dist');
/** Static imports and re-exports of compiled JS (type-only imports are gone by then). */
const STATIC = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm;
const DYNAMIC = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Graph {
  /** Files under dist/, relative to it. */
  files: Set<string>;
  /** Bare specifiers: packages and node: builtins. */
  packages: Set<string>;
}

/** Every module `entry` loads, following static imports only, or dynamic ones too. */
function moduleGraph(entry: string, followDynamic: boolean): Graph {
  const graph: Graph = { files: new Set(), packages: new Set() };
  const visit = (file: string) => {
    const rel = relative(DIST, file);
    if (graph.files.has(rel)) return;
    graph.files.add(rel);
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(STATIC)].map((m) => m[1] ?? m[2]!);
    if (followDynamic) specifiers.push(...[...text.matchAll(DYNAMIC)].map((m) => m[1]!));
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else graph.packages.add(specifier.startsWith('node:') ? specifier : specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
  };
  visit(resolve(DIST, entry));
  return graph;
}

const folders = (g: Graph) => [...new Set([...g.files].map((f) => f.split('/')[0]!))].sort();
const CLI_ONLY = ['cli', 'report', 'sweep'];
const CLI_PACKAGES = ['commander', 'chalk', 'cli-table3'];

describe('the runtime entry loads no CLI code', () => {
  it('import "harness-sim" loads the layers and the runtime and no package at all (no zod, yaml, hdr-histogram, seedrandom)', () => {
    const g = moduleGraph('runtime/index.js', false);
    expect(folders(g)).toEqual(['engine', 'layers', 'metrics', 'runtime', 'upstream']);
    expect([...g.files].filter((f) => f.startsWith('engine/'))).toEqual(['engine/harness.js']);
    expect([...g.packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
  });

  it('what createHarness and loadHarnessConfig load on demand (the schema, zod, yaml) still holds no cli, report or sweep module', () => {
    const g = moduleGraph('runtime/index.js', true);
    expect([...g.files].filter((f) => CLI_ONLY.includes(f.split('/')[0]!))).toEqual([]);
    expect([...g.packages].filter((p) => CLI_PACKAGES.includes(p))).toEqual([]);
    expect(g.files.has('scenario/layers-schema.js')).toBe(true);
    expect(g.packages.has('zod')).toBe(true);
  });

  it('harness-sim/layers loads only the layers folder', () => {
    const g = moduleGraph('layers/index.js', true);
    expect(folders(g)).toEqual(['layers']);
    expect(g.packages.size).toBe(0);
  });

  it('the walk sees what it should: the CLI as tsc compiled it (dist/cli/cli.js, which the bundle is built from) does reach commander and the report folder', () => {
    const g = moduleGraph('cli/cli.js', true);
    expect(g.packages.has('commander')).toBe(true);
    expect(folders(g)).toContain('report');
  });
});
