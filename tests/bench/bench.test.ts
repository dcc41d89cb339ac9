/**
 * The benchmark is not a timed test: CI runs its quick mode to check that it still builds both handlers the
 * deployed way, runs them, and produces figures that make sense. No timing target is asserted here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../bench/paths.ts';
import type { BenchResult, Figures } from '../../bench/report.ts';
import { pairedP50Ratio, renderDoc, renderTable } from '../../bench/report.ts';
import { deployedBuild, PLUGIN_ONLY_KEYS } from '../../bench/serverless-config.ts';
import { median, percentile } from '../../bench/stats.ts';

function expectSane(figures: Figures): void {
  for (const value of [
    figures.initMs,
    figures.initCpuMs,
    figures.initAndFirstAnswerMs,
    figures.p50Ms,
    figures.p99Ms,
    figures.cpuMsPerAnswer,
  ]) {
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(60_000);
  }
  expect(figures.initAndFirstAnswerMs).toBeGreaterThanOrEqual(figures.initMs);
  expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms);
  expect(figures.initBytes).toBeGreaterThan(1024);
  expect(figures.externalBytes).toBeGreaterThanOrEqual(0);
  expect(figures.shippedBytes).toBeGreaterThanOrEqual(figures.initBytes);
  expect(figures.answersPerSecond).toBeGreaterThan(0);
}

describe('npm run bench -- --quick', () => {
  it('builds and runs both handlers and reports sane figures for each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    try {
      const jsonPath = join(dir, 'result.json');
      const docPath = join(dir, 'performance.md');
      const run = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'bench/run.ts', '--quick', '--json', jsonPath, '--doc', docPath],
        { cwd: projectRoot, encoding: 'utf8', timeout: 120_000 },
      );
      expect(run.stderr).not.toMatch(/bench: .*Error/);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('| module init');

      const result = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchResult;
      expect(result.quick).toBe(true);
      expectSane(result.bare);
      expectSane(result.ours);
      expect(result.conditionalReference.p50Ms).toBeGreaterThan(0);
      expect(result.conditionalReference.answersPerSecond).toBeGreaterThan(0);
      expect(result.samples.latencyAnswers).toBeGreaterThan(0);
      // The recorder did its real work, logging included (one line per answer at least); the floor logs nothing.
      expect(result.logLinesPerAnswer).toBeGreaterThanOrEqual(1);
      expect(result.bareLogLinesPerAnswer).toBe(0);
      // The recorder with its log level SILENT writes no line, and still answers.
      expect(result.unloggedLogLinesPerAnswer).toBe(0);
      expect(result.unloggedReference.p50Ms).toBeGreaterThan(0);
      // Same esbuild options: the floor is the smaller bundle.
      expect(result.ours.initBytes).toBeGreaterThan(result.bare.initBytes);
      // Every function's rare-path clients ship as chunks of its own, beside what init loads, and load when asked.
      const chunks = Object.fromEntries(result.functions.map((f) => [f.name, f.chunks.map((chunk) => chunk.file)]));
      expect(chunks).toEqual({
        disconnect: [
          'disconnect.aws-sdk-client-s3.cjs',
          'disconnect.aws-sdk-client-secrets-manager.cjs',
          'disconnect.aws-sdk-client-ssm.cjs',
        ],
        replay: [
          'replay.aws-sdk-client-s3.cjs',
          'replay.aws-sdk-client-secrets-manager.cjs',
          'replay.aws-sdk-client-ssm.cjs',
        ],
        reconcile: ['reconcile.aws-sdk-client-secrets-manager.cjs'],
      });
      expect(result.ours.shippedBytes).toBeGreaterThan(result.ours.initBytes);
      expect(result.firstUses.map((use) => use.packageName)).toEqual([
        '@aws-sdk/client-s3',
        '@aws-sdk/client-secrets-manager',
        '@aws-sdk/client-ssm',
      ]);
      for (const use of result.firstUses) expect(use.chunkMs).toBeGreaterThan(0);

      const doc = readFileSync(docPath, 'utf8');
      expect(doc).toContain(renderTable(result));
      expect(doc).toContain(result.machine.cpu);
      expect(doc).toContain('npm run bench -- --quick');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

describe('the benchmark builds with the deployed esbuild options', () => {
  it('passes every custom.esbuild setting of serverless.yml through to esbuild, as serverless-esbuild does', () => {
    const yaml = parse(readFileSync(`${projectRoot}serverless.yml`, 'utf8')) as {
      custom: { esbuild: Record<string, unknown> };
    };
    const options = deployedBuild() as Record<string, unknown>;
    const pluginOnly = new Set<string>(PLUGIN_ONLY_KEYS);
    for (const [key, value] of Object.entries(yaml.custom.esbuild)) {
      if (pluginOnly.has(key)) continue;
      // A plugins file is loaded into the plugins it exports, as serverless-esbuild does.
      if (key === 'plugins' && typeof value === 'string') {
        expect(Array.isArray(options[key])).toBe(true);
        continue;
      }
      if (key === 'external') expect(options[key]).toEqual(expect.arrayContaining(value as unknown[]));
      else expect(options[key]).toEqual(value);
    }
    const exclude = yaml.custom.esbuild['exclude'];
    if (Array.isArray(exclude)) expect(options['external']).toEqual(expect.arrayContaining(exclude));
    const extension = yaml.custom.esbuild['outputFileExtension'];
    if (typeof extension === 'string' && extension !== '.js')
      expect(options['outExtension']).toEqual({ '.js': extension });
  });
});

describe('the statistics', () => {
  it('takes nearest-rank percentiles and true medians', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});

describe('the report', () => {
  it('compares ours with bare as ratios and says which targets are met', () => {
    const figures = (scale: number): Figures => ({
      initMs: 80 * scale,
      initCpuMs: 90 * scale,
      initAndFirstAnswerMs: 100 * scale,
      initBytes: 500_000 * scale,
      externalBytes: 0,
      shippedBytes: 500_000 * scale,
      p50Ms: 0.6 * scale,
      p99Ms: 1.2 * scale,
      cpuMsPerAnswer: 0.2 * scale,
      answersPerSecond: 1000 / scale,
      roundP50sMs: [0.6 * scale, 0.5 * scale, 0.7 * scale],
    });
    const result: BenchResult = {
      runtime: 'nodejs24.x',
      sdkFromRuntime: [],
      functions: [
        {
          name: 'disconnect',
          initBytes: 600_000,
          shippedBytes: 1_200_000,
          chunks: [{ file: 'disconnect.aws-sdk-client-s3.cjs', bytes: 600_000 }],
        },
      ],
      firstUses: [
        {
          packageName: '@aws-sdk/client-s3',
          chunkFile: 'disconnect.aws-sdk-client-s3.cjs',
          chunkBytes: 600_000,
          chunkMs: 40,
          nodeModulesMs: 90,
          runs: 9,
        },
      ],
      command: 'npm run bench',
      quick: false,
      date: '2026-01-01T00:00:00.000Z',
      machine: { node: 'v20.20.2', cpu: 'Test CPU', cores: 2, memoryGiB: 4, os: 'linux' },
      samples: {
        coldRuns: 11,
        latencyRounds: 20,
        latencyAnswers: 2500,
        warmup: 500,
        throughputRounds: 5,
        throughputCount: 1000,
        concurrency: 64,
      },
      bare: figures(1),
      ours: figures(1.2),
      conditionalReference: figures(1.05),
      sameWriteReference: figures(1.1),
      unloggedReference: figures(1.15),
      unloggedLogLinesPerAnswer: 0,
      logLinesPerAnswer: 1,
      bareLogLinesPerAnswer: 0,
      elapsedSeconds: 60,
    };
    const table = renderTable(result);
    // Cold start and bundle are judged against bare (init 1.05x, bundle 1.10x)...
    expect(table).toMatch(
      /\| module init \(median of 11 fresh processes\) \| 80\.0 ms \| {2}\| 96\.0 ms \| 1\.20x \| {2}\| <= 1\.05x of bare: MISSED \|/,
    );
    expect(table).toMatch(/\| bundle: code loaded at init .*\| 1\.20x \| {2}\| <= 1\.10x of bare: MISSED \|/);
    // ...the warm figures against the same-write reference (p50 1.05x, p99 and CPU 1.10x), bare shown beside them.
    expect(table).toMatch(
      /\| warm p50 .*\| 0\.660 ms \| 0\.720 ms \| 1\.20x \| 1\.09x \| <= 1\.05x of same write: MISSED \|/,
    );
    expect(table).toMatch(/\| warm p99 .*\| 1\.20x \| 1\.09x \| <= 1\.10x of same write: met \|/);
    expect(table).toMatch(/\| CPU time per answer.*\| 1\.20x \| 1\.09x \| <= 1\.10x of same write: met \|/);
    // The store's share: ours against the reference writing the same item.
    expect(renderDoc(result)).toContain('| 1.10x | 1.09x |');
    expect(renderDoc(result)).toContain('ours / same write 1.09x (middle half 1.09x–1.09x)');
    // The recorder without its log line, beside same write and itself: the line's share of its own work.
    expect(renderDoc(result)).toMatch(
      /\| CPU time per answer, handler process \| 0\.220 ms \| 0\.230 ms \| 0\.240 ms \| 1\.05x \| 1\.09x \|/,
    );
    // Within 1.05x of same write at p50 is met even at 1.15x of bare: bare is information there, not the target.
    const met = renderTable({ ...result, ours: figures(1.15) });
    expect(met).toMatch(/\| warm p50 .*\| 1\.15x \| 1\.05x \| <= 1\.05x of same write: met \|/);
    expect(met).toMatch(/\| CPU time per answer.*\| <= 1\.10x of same write: met \|/);
    expect(renderTable({ ...result, ours: figures(1.04) })).toMatch(/\| 1\.04x \| {2}\| <= 1\.05x of bare: met \|/);
    // A run on a busy machine says so; a quiet one gives its load without the warning.
    const loaded = { ...result, machine: { ...result.machine, loadAverage: 6.5 } };
    expect(renderDoc(loaded)).toContain(
      'Load average (1 minute) when the run ended: 6.50 on 2 cores: other work shared the machine',
    );
    expect(renderDoc({ ...loaded, machine: { ...loaded.machine, loadAverage: 0.4 } })).toContain(
      'when the run ended: 0.40 on 2 cores.',
    );
    // Figures from another Node major than Lambda's are flagged as such.
    expect(renderDoc(result)).toContain("Not the runtime's Node");
    expect(renderDoc({ ...result, machine: { ...result.machine, node: 'v24.1.0' } })).not.toContain(
      "Not the runtime's Node",
    );
    // What ships per function, and the first use of each lazy chunk beside the same package from node_modules.
    expect(renderDoc(result)).toContain(
      '| disconnect | 585.9 KB | 1171.9 KB | `disconnect.aws-sdk-client-s3.cjs` 585.9 KB |',
    );
    expect(renderDoc(result)).toContain('| `@aws-sdk/client-s3` | 585.9 KB | 40.0 ms | 90.0 ms |');
    // The log line's cost is measured by another command; a regenerated doc still carries it, naming that command.
    expect(renderDoc(result)).toMatch(/## The log line's metrics and request ids[^\n]*`node bench\/log-line\.mjs`/);
  });
});

describe('ratios paired by round', () => {
  const warm = (roundP50sMs: number[]) => ({
    p50Ms: 1,
    p99Ms: 2,
    cpuMsPerAnswer: 1,
    answersPerSecond: 1000,
    roundP50sMs,
  });

  it("takes each round's ratio, then their median and middle half, so a slow round weighs on both sides alike", () => {
    // Round 3 is slow for everyone; pooled, it would shift both p50s; paired, its ratio is like the others.
    const bottom = warm([1.0, 1.0, 3.0, 1.0]);
    const top = warm([1.1, 1.2, 3.3, 1.3]);
    const paired = pairedP50Ratio(top, bottom);
    expect(paired?.median).toBeCloseTo(1.15, 10);
    expect(paired?.low).toBeCloseTo(1.1, 10);
    expect(paired?.high).toBeCloseTo(1.2, 10);
  });

  it('gives nothing without round figures or with rounds that do not pair up', () => {
    expect(pairedP50Ratio(warm([]), warm([]))).toBeUndefined();
    expect(pairedP50Ratio(warm([1, 2]), warm([1]))).toBeUndefined();
  });
});
