/**
 * A base64 body (isBase64Encoded) is decoded faithfully: UTF-8 as UTF-8; bytes that are not valid UTF-8 by the
 * documented ISO-8859-1 rule (one character per byte, so nothing is replaced or lost), the deviation named in the
 * record. Before, such bytes were silently turned into U+FFFD ("caf� M�ller").
 */

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { NOT_UTF8 } from '../../../lambda/http/callback-body.ts';
import { disconnectCallback, send } from '../../support/callbacks.ts';
import {
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';

/** A POST whose body is these exact bytes, base64-encoded as API Gateway hands binary bodies over. */
function bytesEvent(bytes: Buffer): APIGatewayProxyEventV2 {
  return { ...httpApiEvent({ body: '' }), body: bytes.toString('base64'), isBase64Encoded: true };
}

/** The callback's JSON with `tag` spliced in as raw bytes. */
function withTagBytes(callback: Record<string, unknown>, tag: Buffer): Buffer {
  const [before, after] = JSON.stringify({ ...callback, tag: '\u0000' }).split('\\u0000');
  return Buffer.concat([Buffer.from(before ?? '', 'utf8'), tag, Buffer.from(after ?? '', 'utf8')]);
}

describe('base64 bodies, decoded faithfully', () => {
  let stores: TestStores;
  let handler: Handler;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  it('a UTF-8 body is stored as sent, with no deviation', async () => {
    const callback = disconnectCallback({ tag: 'café Müller, Zoë, 東京' });
    const answer = await send(handler, bytesEvent(Buffer.from(JSON.stringify(callback), 'utf8')));
    expect(answer.status).toBe(204);
    const item = await storedItem(stores, String(callback['callId']));
    expect(item).toMatchObject(callback);
    expect(item).not.toHaveProperty('specDeviations');
  });

  it('an ISO-8859-1 body ("café Müller") is read as ISO-8859-1, never as "caf� M�ller", and the deviation named', async () => {
    const callback = disconnectCallback({ tag: 'café Müller' });
    const answer = await send(handler, bytesEvent(Buffer.from(JSON.stringify(callback), 'latin1')));
    expect(answer.status).toBe(204);
    expect(await storedItem(stores, String(callback['callId']))).toMatchObject({
      ...callback,
      specDeviations: [NOT_UTF8],
    });
  });

  it('a mixed sequence (UTF-8 and a stray byte) loses nothing: the stored text gives back the exact bytes', async () => {
    const callback = disconnectCallback();
    const tag = Buffer.concat([Buffer.from('Zoë ', 'utf8'), Buffer.from([0xff, 0xc3]), Buffer.from(' end', 'utf8')]);
    const answer = await send(handler, bytesEvent(withTagBytes(callback, tag)));
    expect(answer.status).toBe(204);
    const item = await storedItem(stores, String(callback['callId']));
    expect(item?.['specDeviations']).toEqual([NOT_UTF8]);
    expect(item?.['tag']).not.toContain('\ufffd');
    expect(Buffer.from(String(item?.['tag']), 'latin1').equals(tag)).toBe(true);
  });

  it('a refused body that is not UTF-8 is quarantined by the same rule, its bytes recoverable', async () => {
    const callback = disconnectCallback({ eventType: 'answer' });
    const bytes = withTagBytes(callback, Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]));
    const answer = await send(handler, bytesEvent(bytes));
    expect(answer.status).toBe(422);
    const kept = (await parkedObjects(stores, 'quarantine/')).filter((parked) => parked.callId === callback['callId']);
    expect(kept).toHaveLength(1);
    expect(Buffer.from(kept[0]?.input.body ?? '', 'latin1').equals(bytes)).toBe(true);
  });
});
