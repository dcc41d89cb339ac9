'use strict';
/**
 * esbuild plugin (serverless.yml `custom.esbuild.plugins`, and the bench's builds): every `import()` of a package in
 * the project's own code becomes a CommonJS bundle of its own beside the handler's, `<handler>.<package>.cjs`, loaded
 * on first use. The rare paths' SDK clients then ship inside the function's artifact, at the version the tests ran,
 * without adding to the code the runtime loads at init. The `<handler>.` prefix is what serverless-esbuild (1.57,
 * `pack`) treats as the handler's own output: each function's zip carries only its own chunks.
 * docs/performance.md measures what they cost.
 */
const { isBuiltin } = require('node:module');
const { basename, extname, join, sep } = require('node:path');

/** `@aws-sdk/client-s3` -> `aws-sdk-client-s3`: a file-name-safe spelling of a package name. */
function chunkName(packageName) {
  return packageName.replace(/^@/, '').replaceAll('/', '-');
}

/** Whether esbuild's `external` option names the package (exactly, or by a `prefix*` pattern). */
function isExternal(external, packageName) {
  return (external ?? []).some((pattern) =>
    pattern.endsWith('*') ? packageName.startsWith(pattern.slice(0, -1)) : pattern === packageName,
  );
}

/** @returns {import('esbuild').Plugin} */
function lazyChunks() {
  return {
    name: 'lazy-chunks',
    setup(build) {
      const options = build.initialOptions;
      const entries = Array.isArray(options.entryPoints) ? options.entryPoints : [];
      // One handler per build, as serverless-esbuild builds them; anything else is left as esbuild bundles it.
      if (entries.length !== 1 || typeof entries[0] !== 'string' || options.outdir === undefined) return;
      const handler = basename(entries[0], extname(entries[0]));
      /** package name -> chunk file name, for this build */
      const chunks = new Map();
      build.onStart(() => chunks.clear());
      build.onResolve({ filter: /^(@[\w.-]+\/)?[\w.-]+$/ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.importer.split(sep).includes('node_modules')) return undefined;
        if (isBuiltin(args.path) || isExternal(options.external, args.path)) return undefined;
        const file = `${handler}.${chunkName(args.path)}.cjs`;
        chunks.set(args.path, file);
        return { path: `./${file}`, external: true };
      });
      build.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        await Promise.all(
          [...chunks].map(([packageName, file]) =>
            build.esbuild.build({
              entryPoints: [packageName],
              outfile: join(options.outdir, file),
              absWorkingDir: options.absWorkingDir,
              bundle: true,
              format: 'cjs',
              platform: options.platform,
              target: options.target,
              minify: options.minify,
              sourcemap: options.sourcemap,
              logLevel: 'warning',
            }),
          ),
        );
      });
    },
  };
}

// The plugins, as serverless-esbuild loads them; `chunkName` for the benchmark, to tell which package a chunk holds.
module.exports = Object.assign([lazyChunks()], { chunkName });
