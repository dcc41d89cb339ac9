/**
 * Build-time step: turns each callback's schema (schemas/disconnect.schema.json, schemas/transfer-disconnect.schema.json:
 * the single source of truth; tools/generate/validator-sources.ts lists them) into
 *  - lambda/domain/callback/validate-tiers.generated.cjs: the Ajv standalone validators of each schema's two tiers,
 *    record (refuses) and spec (names deviations), from its `specTier` marks (no Ajv compiler at run time);
 *  - lambda/domain/callback/query-form-types.generated.ts: per event type, the typed (non-string) fields, for the GET form;
 *  - lambda/domain/callback/*-callback.generated.ts: the DisconnectCallback and TransferDisconnectCallback types,
 *    derived with json-schema-to-ts (spec-tier fields `unknown`: a stored record may hold anything there).
 * `npm run generate` rewrites them; a test fails when they are stale.
 */ import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../cli/command-line.ts';
import { generatedSources } from './validator-sources.ts';

export const GENERATE_USAGE = `Usage: npm run generate

Rewrites the validators, the GET-form field types and the callback types from schemas/*.schema.json.

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
