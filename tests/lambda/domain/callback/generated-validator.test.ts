/**
 * The committed validators and type are derived from schemas/disconnect.schema.json; when someone edits the
 * schema and forgets `npm run generate`, this fails instead of the recorder silently validating the old schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSources } from '../../../../tools/generate/validator-sources.ts';

const root = new URL('../../../../', import.meta.url);

describe('generated validator', () => {
  const sources = generatedSources();

  it('generates the validator, the type and the GET form\'s typed fields', () => {
    expect(Object.keys(sources).sort()).toEqual([
      'lambda/domain/callback/disconnect-callback.generated.ts',
      'lambda/domain/callback/query-form-types.generated.ts',
      'lambda/domain/callback/validate-json-body.generated.cjs',
    ]);
  });

  it.each(Object.keys(sources))('committed %s is what the schema generates now (run `npm run generate` if not)', (path) => {
    expect(readFileSync(new URL(path, root), 'utf8')).toBe(sources[path]);
  });

  it('the validator never coerces: a JSON body keeps the types it was sent with', () => {
    expect(sources['lambda/domain/callback/validate-json-body.generated.cjs']).not.toMatch(/coerced/);
  });
});
