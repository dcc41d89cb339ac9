import { describe, expect, it } from 'vitest';
import { csvCell } from '../../../tools/records/views.ts';
import { disconnectCallback, postedCallback } from '../../support/callbacks.ts';
import { freshStores, lambdaContext, loadHandler } from '../../support/recorder.ts';
import { records, storeArguments } from './run-records.ts';

/** RFC 4180 read back: the test's own reader, so the command's writer is checked against the rule, not itself. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (cell += '"'), (i += 1);
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(cell), (cell = '');
    else if (char === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), (i += 1);
    else cell += char;
  }
  expect(cell, 'the text ends with CRLF').toBe('');
  return rows;
}

describe('records list --csv', () => {
  it('writes a header of field names and one row per record, every value as stored, quoted per RFC 4180', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores);
    const tricky = disconnectCallback({
      tag: 'He said "hi, there"\nthen hung up',
      endTime: '2026-11-20T15:55:54.123Z',
    });
    const formula = disconnectCallback({
      tag: '=HYPERLINK("http://example.com","x")',
      cause: 'busy',
      endTime: '2026-11-20T15:56:54.123Z',
    });
    const extra = disconnectCallback({ sipResponseCode: 486, newField: 'kept', endTime: '2026-11-20T15:57:54.123Z' });
    for (const callback of [tricky, formula, extra])
      expect((await handler(postedCallback(callback), lambdaContext)).statusCode).toBe(204);

    const run = await records([
      'list',
      '--csv',
      '--from',
      '2026-11-20',
      '--to',
      '2026-11-21',
      ...storeArguments(stores),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = parseCsv(run.stdout);
    expect(header?.slice(0, 6)).toEqual(['callId', 'eventType', 'direction', 'from', 'to', 'cause']);
    expect(header).toContain('newField');
    expect(header).toContain('receivedAt');
    expect(rows).toHaveLength(3);
    const byCallId = new Map(rows.map((row) => [row[0], Object.fromEntries(header!.map((name, i) => [name, row[i]]))]));
    expect(byCallId.get(tricky.callId)?.['tag']).toBe('He said "hi, there"\nthen hung up');
    expect(byCallId.get(tricky.callId)?.['from']).toBe('+15551112222');
    expect(byCallId.get(tricky.callId)?.['newField']).toBe('');
    // A spreadsheet would run this as a formula: it is kept as text, behind a leading quote.
    expect(byCallId.get(formula.callId)?.['tag']).toBe(`'=HYPERLINK("http://example.com","x")`);
    expect(byCallId.get(extra.callId)?.['sipResponseCode']).toBe('486');
    expect(byCallId.get(extra.callId)?.['newField']).toBe('kept');
  }, 60_000);

  it('still names the columns when nothing ended in the range, and refuses --csv with --json', async () => {
    const stores = await freshStores();
    const empty = await records([
      'list',
      '--csv',
      '--from',
      '2020-01-01',
      '--to',
      '2020-01-02',
      ...storeArguments(stores),
    ]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout.split('\r\n')[0]).toMatch(
      /^callId,eventType,parentCallId,direction,from,to,transferCallerId,transferTo,cause,/,
    );
    const both = await records(['list', '--csv', '--json', ...storeArguments(stores)]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('choose one of --json and --csv');
  }, 60_000);

  it('guards cells a spreadsheet would run as formulas, but leaves phone numbers and negative numbers alone', () => {
    expect(csvCell('+15551234567')).toBe('+15551234567');
    expect(csvCell('-12.5')).toBe('-12.5');
    expect(csvCell('+cmd|/c calc')).toBe("'+cmd|/c calc");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell({ nested: 'x' })).toBe('"{""nested"":""x""}"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
  });
});
