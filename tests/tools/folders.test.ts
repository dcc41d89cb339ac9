/**
 * The operator tools' shape: every command a thin `tools/bin/<command>.ts` over its module `tools/<command>/cli.ts`,
 * and no two folders under tools/ that import each other, however indirectly (read from the import statements).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TOOLS = 'tools';
const folders = readdirSync(TOOLS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** Folder → the other tools/ folders its files import. */
function folderImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const folder of folders) {
    const targets = new Set<string>();
    for (const file of readdirSync(join(TOOLS, folder)).filter((name) => /\.(ts|cjs)$/.test(name))) {
      const text = readFileSync(join(TOOLS, folder, file), 'utf8');
      for (const [, target] of text.matchAll(/(?:from|import\()\s*'\.\.\/([\w-]+)\//g)) {
        if (target !== undefined && folders.includes(target) && target !== folder) targets.add(target);
      }
    }
    graph.set(folder, targets);
  }
  return graph;
}

describe('the operator tools', () => {
  it('have one entry per command in tools/bin, each over its own tools/<command>/cli.ts and nothing else', () => {
    for (const entry of readdirSync(join(TOOLS, 'bin'))) {
      const command = entry.replace(/\.ts$/, '');
      const text = readFileSync(join(TOOLS, 'bin', entry), 'utf8');
      expect(readdirSync(join(TOOLS, command)), command).toContain('cli.ts');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      expect(imports, entry).toEqual(['../cli/command-line.ts', `../${command}/cli.ts`]);
      // Thin: no logic of its own, only the process's wiring (a warning switched off, a closed pipe, the exit).
      expect(text, entry).not.toMatch(/^\s*(async\s+)?function\s/m);
      expect(text.split('\n').length, `${entry} is a thin entry`).toBeLessThanOrEqual(25);
    }
  });

  it('have no cycle between folders', () => {
    const graph = folderImports();
    const cycles: string[] = [];
    const walk = (folder: string, path: string[]) => {
      for (const next of graph.get(folder) ?? []) {
        if (next === path[0]) cycles.push([...path, next].join(' -> '));
        else if (!path.includes(next)) walk(next, [...path, next]);
      }
    };
    for (const folder of folders) walk(folder, [folder]);
    expect(cycles).toEqual([]);
  });
});
