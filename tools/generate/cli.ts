/**
 * Build-time step: turns schemas/disconnect.schema.json (the single source of truth) into
 *  - lambda/domain/callback/validate-tiers.generated.cjs: the Ajv standalone validators of the two tiers, record
 *    (refuses) and spec (names deviations), from the one schema's `specTier` marks (no Ajv compiler at run time);
 *  - lambda/domain/callback/query-form-types.generated.ts: the typed (non-string) fields, for the GET form;
 *  - lambda/domain/callback/disconnect-callback.generated.ts: the DisconnectCallback type, derived with json-schema-to-ts
 *    (spec-tier fields `unknown`: a stored record may hold anything there).
 * `npm run generate` rewrites them; a test fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../cli/command-line.ts';
import { generatedSources } from './validator-sources.ts';

export const GENERATE_USAGE = `Usage: npm run generate

Rewrites the validator, the GET-form field types and the DisconnectCallback type from schemas/disconnect.schema.json.

  -h, --help     this help`;

export async function runGenerate(argv: readonly string[]): Promise<number> {
  parseCommandLine(argv, {});
  const root = fileURLToPath(new URL('../..', import.meta.url));
  for (const [path, text] of Object.entries(generatedSources())) {
    writeFileSync(`${root}${path}`, text);
    console.log(`wrote ${path}`);
  }
  return 0;
}
