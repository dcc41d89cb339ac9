/**
 * Build-time step: turns schemas/disconnect.schema.json (the single source of truth) into
 *  - lib/callback/validate.generated.js: Ajv standalone validators (no Ajv compiler at run time, < 1 ms to load);
 *  - lib/callback/disconnect-callback.generated.ts: the DisconnectCallback type, derived with json-schema-to-ts.
 * `npm run generate` rewrites them; a test fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatedSources } from './validator-sources.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [path, text] of Object.entries(generatedSources())) {
  writeFileSync(`${root}${path}`, text);
  console.log(`wrote ${path}`);
}
