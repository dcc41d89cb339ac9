/**
 * The committed validators and type are derived from schemas/disconnect.schema.json; when someone edits the
 * schema and forgets `npm run generate`, this fails instead of the recorder silently validating the old schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSources } from '../../scripts/validator-sources.ts';

const root = new URL('../../', import.meta.url);

describe('generated validator', () => {
  const sources = generatedSources();

  it('generates the JSON-body validator, the query-form validator and the type', () => {
    expect(Object.keys(sources).sort()).toEqual([
      'lib/callback/disconnect-callback.generated.ts',
      'lib/callback/validate-json-body.generated.cjs',
      'lib/callback/validate-query-form.generated.cjs',
    ]);
  });

  it.each(Object.keys(sources))('committed %s is what the schema generates now (run `npm run generate` if not)', (path) => {
    expect(readFileSync(new URL(path, root), 'utf8')).toBe(sources[path]);
  });

  it('coerces types only in the query-form validator', () => {
    const coerces = (text: string | undefined) => /coerced/.test(text ?? '');
    expect(coerces(sources['lib/callback/validate-query-form.generated.cjs'])).toBe(true);
    expect(coerces(sources['lib/callback/validate-json-body.generated.cjs'])).toBe(false);
  });
});
