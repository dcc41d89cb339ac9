/**
 * What the benchmark takes from serverless.yml, so it measures what `serverless package` ships rather than a
 * restatement of it: the esbuild options serverless-esbuild derives from `custom.esbuild`, the runtime, and the
 * function environment's literal settings.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';
import { projectRoot } from './paths.ts';

/** Keys serverless-esbuild (1.57, `bundle()`) consumes itself and removes before calling esbuild. */
export const PLUGIN_ONLY_KEYS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
] as const;

interface ServerlessYaml {
  provider?: { runtime?: string; environment?: Record<string, unknown> };
  custom?: { esbuild?: Record<string, unknown> };
}

function readYaml(path: string): ServerlessYaml {
  return parse(readFileSync(path, 'utf8')) as ServerlessYaml;
}

function strings(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

const SERVERLESS_YML = `${projectRoot}serverless.yml`;

/** The Lambda runtime the function is deployed on (`provider.runtime`, e.g. `nodejs24.x`). */
export function deployedRuntime(yamlPath = SERVERLESS_YML): string | undefined {
  return readYaml(yamlPath).provider?.runtime;
}

/**
 * serverless.yml's `custom.esbuild` over the plugin's defaults (`getBuildOptions`), turned into esbuild options as
 * the plugin's `bundle()` does: without entry points or output folder; `outExtension` carries the file extension.
 */
export function deployedBuild(yamlPath = SERVERLESS_YML): BuildOptions {
  const config = readYaml(yamlPath);
  const custom = config.custom?.esbuild ?? {};
  if ('config' in custom) throw new Error('custom.esbuild.config (a JS config file) is not supported by the benchmark');
  const runtimeMajor = /^nodejs(\d+)/.exec(config.provider?.runtime ?? '')?.[1];
  // The plugin's defaults that reach esbuild; its deep merge replaces arrays, as this spread does.
  const merged: Record<string, unknown> = {
    bundle: true,
    target: runtimeMajor === undefined ? 'node18' : `node${runtimeMajor}`,
    external: [],
    exclude: ['aws-sdk'],
    platform: 'node',
    outputFileExtension: '.js',
    ...custom,
  };
  const exclude = strings(merged['exclude']);
  const outputFileExtension = String(merged['outputFileExtension']);
  const options: Record<string, unknown> = { ...merged };
  for (const key of PLUGIN_ONLY_KEYS) delete options[key];
  options['external'] = [...strings(merged['external']), ...(exclude.includes('*') ? [] : exclude)];
  if (outputFileExtension !== '.js') options['outExtension'] = { '.js': outputFileExtension };
  if (typeof merged['plugins'] === 'string') options['plugins'] = pluginsFile(merged['plugins']);
  return options as BuildOptions;
}

/** `custom.esbuild.plugins` may name a file exporting the plugins, which the plugin loads from the service folder. */
function pluginsFile(path: string): Plugin[] {
  let exported = createRequire(import.meta.url)(join(projectRoot, path)) as unknown;
  if (typeof exported === 'object' && exported !== null && 'default' in exported) exported = exported.default;
  if (!Array.isArray(exported)) {
    throw new Error(
      `${path} must export an array of esbuild plugins (a function of the serverless instance is not supported)`,
    );
  }
  return exported as Plugin[];
}

/** The function environment's literal settings (`provider.environment` values without `${...}` variables). */
export function deployedEnvironment(yamlPath = SERVERLESS_YML): Record<string, string> {
  const literal: Record<string, string> = {};
  for (const [name, value] of Object.entries(readYaml(yamlPath).provider?.environment ?? {})) {
    if (typeof value === 'string' && !value.includes('${')) literal[name] = value;
  }
  return literal;
}
