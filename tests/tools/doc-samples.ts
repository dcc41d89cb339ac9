/**
 * The sample outputs in the docs, read back so a test can run what they show and compare: a block marked
 * `<!-- sample: <name> -->` is the next ```console block; `$` lines are commands (leading NAME=value words are its
 * environment), the lines after one are what it prints, and a line starting `…` stands for output not shown.
 */
import { readFileSync } from 'node:fs';

export interface SampleRun {
  env: Record<string, string>;
  command: string;
  args: string[];
  output: string[];
}

export function docSample(file: string, name: string): string[] {
  const text = readFileSync(file, 'utf8');
  const marker = `<!-- sample: ${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${file} has no ${marker}`);
  const block = /```console\n([\s\S]*?)\n\s*```/.exec(text.slice(at));
  if (block === null) throw new Error(`${file}: no console block after ${marker}`);
  const indent = /^\s*/.exec(block[1] ?? '')?.[0] ?? '';
  return (block[1] ?? '').split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
}

/** The `$ [NAME=value ...] npm run -s <command> -- <args>` lines of a sample, each with what follows it. */
export function sampleRuns(lines: string[]): SampleRun[] {
  const runs: SampleRun[] = [];
  for (const line of lines) {
    if (!line.startsWith('$ ')) {
      runs.at(-1)?.output.push(line);
      continue;
    }
    const words = line.slice(2).split(' ');
    const env: Record<string, string> = {};
    while (/^[A-Z_]+=/.test(words[0] ?? '')) {
      const [name, ...value] = (words.shift() ?? '').split('=');
      env[name ?? ''] = value.join('=');
    }
    const [npm, runWord, silent, command, dashes, ...args] = words;
    if (npm !== 'npm' || runWord !== 'run' || silent !== '-s' || command === undefined || (dashes ?? '--') !== '--') {
      throw new Error(`not an npm run -s command: ${line}`);
    }
    runs.push({ env, command, args, output: [] });
  }
  return runs;
}
