/**
 * Builds the handlers the benchmark compares, each with the deployed esbuild options (see esbuild-options.ts),
 * into bench/.out/ (git-ignored), and the child-process harness that loads them.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, join, relative } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { projectRoot } from './paths.ts';
import { deployedBuild } from './serverless-config.ts';

export const OUT_DIR = `${projectRoot}bench/.out`;

export interface Variant {
  /** Also the output folder's name. */
  name: string;
  /** Entry point, relative to the project root. */
  entry: string;
  /** Modules left to the runtime on top of the deployed options (e.g. the SDK the Lambda runtime provides). */
  extraExternal?: readonly string[];
  /** Extra esbuild plugins, for measuring a patched copy without touching the sources. */
  plugins?: readonly Plugin[];
  /** esbuild options replaced on top of the deployed ones, for measuring a proposed change to serverless.yml. */
  overrides?: BuildOptions;
}

export interface LazyChunk {
  path: string;
  bytes: number;
  /** The package the handler's code `import()`s, which the chunk holds (tools/build/lazy-chunks.cjs). */
  packageName: string | undefined;
}

const lazyChunksPlugin = createRequire(import.meta.url)('../tools/build/lazy-chunks.cjs') as {
  chunkName(packageName: string): string;
};

/** The project's dependency a lazy chunk (`<handler>.<chunk name>.cjs`) holds. */
function chunkPackage(handler: string, file: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {}).find(
    (name) => basename(file) === `${handler}.${lazyChunksPlugin.chunkName(name)}.cjs`,
  );
}

export interface BuiltVariant {
  name: string;
  /** The module the runtime loads (the handler's bundle). */
  modulePath: string;
  /** Bytes of code the runtime loads at init: the handler's bundle and the chunks it imports statically. */
  initBytes: number;
  /** Bytes of every code file shipped (the bundle plus any split chunks), source maps excluded. */
  shippedBytes: number;
  /** The code files shipped beside the bundle that init does not load (the rare paths' chunks), with their bytes. */
  lazyChunks: LazyChunk[];
}

/** The output file and every chunk it imports statically (what init reads; dynamic imports load later). */
function loadedAtInit(metafile: Metafile, entryOutput: string): string[] {
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const { path, kind } of metafile.outputs[output]?.imports ?? []) {
      if (kind === 'import-statement' && path in metafile.outputs) visit(path);
    }
  };
  visit(entryOutput);
  return [...seen];
}

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => ['.js', '.mjs', '.cjs'].includes(extname(file)))
    .map((file) => join(dir, file));
}

export async function buildVariant(variant: Variant): Promise<BuiltVariant> {
  const options = deployedBuild();
  const outdir = join(OUT_DIR, variant.name);
  const outExtension = { ...options.outExtension, ...variant.overrides?.outExtension };
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { metafile } = await build({
    ...options,
    ...variant.overrides,
    metafile: true,
    external: [...(options.external ?? []), ...(variant.extraExternal ?? [])],
    plugins: [...(options.plugins ?? []), ...(variant.plugins ?? [])],
    entryPoints: [join(projectRoot, variant.entry)],
    outdir,
    absWorkingDir: projectRoot,
    logLevel: 'warning',
  });
  const modulePath = join(outdir, basename(variant.entry, extname(variant.entry)) + (outExtension['.js'] ?? '.js'));
  const shipped = codeFiles(outdir);
  const entryOutput = relative(projectRoot, modulePath);
  if (!(entryOutput in metafile.outputs)) throw new Error(`esbuild did not write ${entryOutput}`);
  const atInit = loadedAtInit(metafile, entryOutput).map((file) => join(projectRoot, file));
  return {
    name: variant.name,
    modulePath,
    initBytes: atInit.reduce((sum, file) => sum + statSync(file).size, 0),
    shippedBytes: shipped.reduce((sum, file) => sum + statSync(file).size, 0),
    lazyChunks: shipped
      .filter((file) => !atInit.includes(file))
      .map((path) => ({
        path,
        bytes: statSync(path).size,
        packageName: chunkPackage(basename(variant.entry, extname(variant.entry)), path),
      }))
      .sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** The harness runs in plain `node` (no TypeScript loader hooks in the measured process). */
export async function buildHarness(): Promise<string> {
  const outfile = join(OUT_DIR, 'harness.mjs');
  await build({
    entryPoints: [join(projectRoot, 'bench/harness.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    absWorkingDir: projectRoot,
    logLevel: 'warning',
  });
  return outfile;
}
