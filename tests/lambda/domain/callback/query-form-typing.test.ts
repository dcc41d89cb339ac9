/**
 * The GET form's values are text; typeQueryForm gives the schema's typed fields their types before the
 * validators run. Held here against Ajv's own coerceTypes on the same schema, so the two cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import { QUERY_FORM_TYPES } from '../../../../lambda/domain/callback/query-form-types.generated.ts';
import { typeQueryForm, validateCallback } from '../../../../lambda/domain/callback/validate.ts';
import { recorderAjv, tierSchemas } from '../../../../tools/generate/validator-sources.ts';

// The typed fields are all of the spec tier: its verdict is whether the callback deviates.
const ajvCoercing = recorderAjv(true).compile(tierSchemas().spec);
const base = { eventType: 'disconnect', callId: 'c-typing', cause: 'busy' };
const texts = ['486', '0', '', 'abc', '1.5', ' 42 ', '1e3', '-1', '0x1F', 'null', 'true', '99999999999'];

describe('typing the GET form', () => {
  it('covers every field the schema does not allow to be text', () => {
    expect(QUERY_FORM_TYPES).toEqual({ disconnect: { sipResponseCode: ['integer', 'null'] }, transferDisconnect: {} });
  });

  it.each(texts)('sipResponseCode=%j is typed exactly as Ajv coerceTypes would, with the same verdict', (text) => {
    const ours: Record<string, unknown> = { ...base, sipResponseCode: text };
    const ajvs: Record<string, unknown> = { ...base, sipResponseCode: text };
    typeQueryForm(ours);
    const ajvValid = ajvCoercing(ajvs);
    expect(ours).toEqual(ajvs);

    const { specDeviations } = validateCallback({ ...base, sipResponseCode: text }, 'query');
    expect(specDeviations.length === 0).toBe(ajvValid);
  });

  it('leaves text fields as text, even when they look like numbers or are empty', () => {
    const fields: Record<string, unknown> = { ...base, tag: '123', answerTime: '', from: '+15551112222' };
    typeQueryForm(fields);
    expect(fields).toEqual({ ...base, tag: '123', answerTime: '', from: '+15551112222' });
  });

  it('a JSON body is never typed: "486" as text stays text, named as a deviation from the spec', () => {
    const { callback, specDeviations } = validateCallback({ ...base, sipResponseCode: '486' }, 'json');
    expect(callback['sipResponseCode']).toBe('486');
    expect(specDeviations).toEqual(['sipResponseCode must be an integer or null']);
  });
});
