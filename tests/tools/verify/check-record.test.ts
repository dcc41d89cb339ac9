/**
 * The remover of verify's check record deletes only a `verify-` record tagged as a check, against a real table
 * (dynalite): the refusal is its own and the table's (a condition), so a wrong callId can never cost a real record.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CHECK_TAG, checkCallback, removeCheckRecord } from '../../../tools/verify/check-callback.ts';
import { documentClient, freshStores } from '../../support/recorder.ts';

describe("verify's check record", () => {
  it('is a disconnect callback whose callId starts verify- and whose tag says it is a check', () => {
    const check = checkCallback(new Date('2026-11-20T10:00:00Z'));
    expect(check.callId).toMatch(/^verify-20261120T100000000Z-[0-9a-f]{8}$/);
    expect(check.body).toMatchObject({ eventType: 'disconnect', callId: check.callId, tag: CHECK_TAG });
  });

  it('is removed, and only it: a real callId is refused before any request, an untagged verify- record by the table', async () => {
    const stores = await freshStores();
    const client = documentClient(stores);
    const put = (item: Record<string, string>) =>
      client.send(new PutCommand({ TableName: stores.tableName, Item: item }));
    const present = async (callId: string) =>
      (await client.send(new GetCommand({ TableName: stores.tableName, Key: { callId } }))).Item !== undefined;
    await put({ callId: 'c-real-call', tag: CHECK_TAG });
    await put({ callId: 'verify-but-not-a-check', tag: 'a customer tag' });
    await put({ callId: 'verify-the-check', tag: CHECK_TAG });

    await expect(removeCheckRecord(client, stores.tableName, 'c-real-call')).rejects.toThrow(
      'refusing to delete "c-real-call": verify removes only its own verify- records',
    );
    await expect(removeCheckRecord(client, stores.tableName, 'verify-but-not-a-check')).rejects.toThrow(
      /conditional request failed/i,
    );
    await removeCheckRecord(client, stores.tableName, 'verify-the-check');
    expect([
      await present('c-real-call'),
      await present('verify-but-not-a-check'),
      await present('verify-the-check'),
    ]).toEqual([true, true, false]);
    client.destroy();
  });
});
