import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../tools/records/progress.ts';
import { bar, printable, renderTable, truncate } from '../../../tools/records/text-table.ts';
import { formatSeconds, viewRecord } from '../../../tools/records/views.ts';

describe('terminal text', () => {
  it('aligns columns, numbers to the right, without trailing spaces', () => {
    expect(
      renderTable(
        [
          ['CAUSE', 'COUNT'],
          ['hangup', '195'],
          ['application-error', '6'],
        ],
        ['left', 'right'],
      ),
    ).toEqual(['CAUSE              COUNT', 'hangup               195', 'application-error      6']);
  });

  it('counts an emoji as one column', () => {
    expect(
      renderTable([
        ['📞', 'x'],
        ['ab', 'y'],
      ]),
    ).toEqual(['📞   x', 'ab  y']);
  });

  it('draws bars to an eighth of a cell, and any non-zero count visibly', () => {
    expect(bar(10, 10, 4)).toBe('████');
    expect(bar(5, 10, 3)).toBe('█▌');
    expect(bar(1, 1000, 30)).toBe('▏');
    expect(bar(0, 10)).toBe('');
  });

  it('shows control characters in stored fields as escapes, so a callback cannot drive the terminal', () => {
    expect(printable('evil\u001b[2J\nnext\tcol\u009b')).toBe('evil\\x1b[2J\\nnext\\tcol\\x9b');
    const shown = viewRecord({ callId: 'c-1', tag: 'x\u001b]0;pwned\u0007', answered: false });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach the terminal.
    expect(shown).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(shown).toContain('x\\x1b]0;pwned\\x07\n');
  });

  it('cuts long text with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcd', 4)).toBe('abcd');
  });

  it('writes durations as people read them', () => {
    expect(formatSeconds(0)).toBe('0.0s');
    expect(formatSeconds(12.34)).toBe('12.3s');
    expect(formatSeconds(59.96)).toBe('1m 00s');
    expect(formatSeconds(101)).toBe('1m 41s');
    expect(formatSeconds(7389)).toBe('2h 03m 09s');
  });

  it('shows unknown fields after the documented ones and before the recorder attributes', () => {
    const lines = viewRecord({ receivedAt: 'r', zeta: 1, callId: 'c', cause: 'busy', alpha: { nested: true } }).split(
      '\n',
    );
    expect(lines).toEqual([
      'callId      c',
      'cause       busy',
      'alpha       {"nested":true}',
      'zeta        1',
      '',
      'receivedAt  r',
      '',
      'Recorded from the callback.',
      '',
    ]);
  });

  it('says when a record was backfilled from the call list rather than written by its callback', () => {
    const text = viewRecord({ callId: 'c', cause: 'hangup', receivedAt: 'r', recordedFrom: 'call-list' });
    expect(text).toContain('recordedFrom  call-list');
    expect(text).toContain("Recorded from Bandwidth's call list by reconciliation: no callback came");
  });
});

describe('the progress line', () => {
  it('stays silent when stderr is not a terminal', () => {
    let written = '';
    const progress = progressLine({ write: (text: string) => (written += text) });
    progress.update({ day: '2024-05-01', read: 10 });
    progress.done();
    expect(written).toBe('');
  });

  it('rewrites one line on a terminal, at most every interval, and erases it when done', () => {
    let written = '';
    let clock = 0;
    const progress = progressLine({ write: (text: string) => (written += text), isTTY: true }, () => clock, 100);
    progress.update({ day: '2024-05-03', read: 120 });
    clock = 50;
    progress.update({ day: '2024-05-02', read: 240 });
    clock = 150;
    progress.update({ day: '2024-05-01', read: 1360 });
    progress.done();
    expect(written).toBe(
      '\r\x1b[2Kread 120 records, now at 2024-05-03…' + '\r\x1b[2Kread 1,360 records, now at 2024-05-01…' + '\r\x1b[2K',
    );
  });
});
