/**
 * What ships per function, and what a rare path pays the first time it runs: `import()` of its lazy chunk
 * (tools/build/lazy-chunks.cjs) in a fresh process, after init and the first answer, against `import()` of the same
 * package from node_modules (as the Lambda runtime's own SDK would be loaded), in alternating fresh processes.
 */
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import type { BuiltVariant } from './build.ts';
import { type ChildOptions, coldRun } from './children.ts';
import { authorization } from './handler-environment.ts';
import { projectRoot } from './paths.ts';
import { median } from './stats.ts';

export interface ShippedFunction {
  name: string;
  initBytes: number;
  shippedBytes: number;
  chunks: { file: string; bytes: number }[];
}

export interface FirstUse {
  packageName: string;
  chunkFile: string;
  chunkBytes: number;
  /** Median `import()` of the chunk. */
  chunkMs: number;
  /** Median `import()` of the package from node_modules, in the same alternating processes. */
  nodeModulesMs: number;
  runs: number;
}

export function shippedFunction(name: string, built: BuiltVariant): ShippedFunction {
  return {
    name,
    initBytes: built.initBytes,
    shippedBytes: built.shippedBytes,
    chunks: built.lazyChunks.map((chunk) => ({ file: basename(chunk.path), bytes: chunk.bytes })),
  };
}

export async function firstUses(options: ChildOptions, handler: BuiltVariant, runs: number): Promise<FirstUse[]> {
  const resolve = createRequire(`${projectRoot}package.json`).resolve;
  const results: FirstUse[] = [];
  for (const chunk of handler.lazyChunks) {
    if (chunk.packageName === undefined) continue;
    const sides = { chunk: [] as number[], nodeModules: [] as number[] };
    const paths = { chunk: chunk.path, nodeModules: resolve(chunk.packageName) };
    for (let round = 0; round < runs; round += 1) {
      const order = round % 2 === 0 ? (['chunk', 'nodeModules'] as const) : (['nodeModules', 'chunk'] as const);
      for (const side of order) {
        const run = await coldRun(options, {
          modulePath: handler.modulePath,
          idPrefix: `${handler.name}-first-use-${side}-${round}`,
          authorization,
          firstUse: paths[side],
        });
        if (run.firstUseMs === undefined) throw new Error(`${paths[side]}: no first-use time reported`);
        sides[side].push(run.firstUseMs);
      }
    }
    results.push({
      packageName: chunk.packageName,
      chunkFile: basename(chunk.path),
      chunkBytes: chunk.bytes,
      chunkMs: median(sides.chunk),
      nodeModulesMs: median(sides.nodeModules),
      runs,
    });
  }
  return results;
}
