import { afterEach, describe, expect, it, vi } from 'vitest';

type LoggerModule = typeof import('../../../lambda/log/logger.ts');

const LEVEL_VARIABLES = ['AWS_LAMBDA_LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', '_X_AMZN_TRACE_ID'] as const;
const saved = Object.fromEntries(LEVEL_VARIABLES.map((name) => [name, process.env[name]]));

/** The logger as a fresh container loads it (it reads its level once), with this environment. */
async function loadLogger(env: Partial<Record<(typeof LEVEL_VARIABLES)[number], string>>): Promise<LoggerModule> {
  for (const name of LEVEL_VARIABLES) {
    const value = env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.resetModules();
  return import('../../../lambda/log/logger.ts');
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const text = (chunk: unknown) =>
    typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => out.push(text(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => err.push(text(chunk)) > 0);
  return {
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

afterEach(() => {
  for (const name of LEVEL_VARIABLES) {
    const value = saved[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  vi.restoreAllMocks();
});

describe('the logger', () => {
  it('prints one JSON line per entry with level, message, time, service and the attributes', async () => {
    const { logger } = await loadLogger({
      LOG_LEVEL: 'INFO',
      _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    });
    const output = capture();
    logger.info('disconnect callback', { callId: 'c-1', status: 204 });
    output.restore();
    const text = output.stdout();
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'disconnect callback',
      service: 'bandwidth-disconnect-recorder',
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      callId: 'c-1',
      status: 204,
    });
    expect(Date.parse(String(line['timestamp']))).not.toBeNaN();
    expect(output.stderr()).toBe('');
  });

  it('follows the trace id Lambda sets anew for each invocation, and leaves it out when there is none', async () => {
    const { logger } = await loadLogger({ _X_AMZN_TRACE_ID: 'Root=1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa;Sampled=0' });
    const output = capture();
    logger.info('first');
    process.env['_X_AMZN_TRACE_ID'] = 'Root=1-00000002-bbbbbbbbbbbbbbbbbbbbbbbb;Parent=1;Sampled=1';
    logger.info('second');
    delete process.env['_X_AMZN_TRACE_ID'];
    logger.info('third');
    output.restore();
    const ids = output
      .stdout()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as Record<string, unknown>)['xray_trace_id']);
    expect(ids).toEqual(['1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa', '1-00000002-bbbbbbbbbbbbbbbbbbbbbbbb', undefined]);
  });

  it('sends warnings and errors to stderr, and attributes cannot pass for the level or the message', async () => {
    const { logger } = await loadLogger({});
    const output = capture();
    logger.warn('table write failed', { level: 'INFO', message: 'all good' });
    logger.error('record lost', { callId: 'c-2' });
    output.restore();
    const lines = output
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line['level'], line['message']])).toEqual([
      ['WARN', 'table write failed'],
      ['ERROR', 'record lost'],
    ]);
    expect(output.stdout()).toBe('');
  });

  it('prints errors with their name, message, stack and cause, and survives BigInt and cycles', async () => {
    const { logger } = await loadLogger({});
    const output = capture();
    logger.error('unexpected error', { error: new TypeError('boom', { cause: new Error('underneath') }) });
    const cyclic: Record<string, unknown> = { count: 10n };
    cyclic['self'] = cyclic;
    logger.error('odd attributes', { cyclic });
    output.restore();
    const [first, second] = output
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first?.['error']).toMatchObject({ name: 'TypeError', message: 'boom', cause: { message: 'underneath' } });
    expect(String((first?.['error'] as { stack?: unknown } | undefined)?.stack)).toContain('TypeError: boom');
    expect(second?.['cyclic']).toEqual({ count: '10', self: '[Circular]' });
  });

  it('keeps quiet below the configured level, and entirely when SILENT', async () => {
    let output = capture();
    const warnOnly = await loadLogger({ POWERTOOLS_LOG_LEVEL: 'warn' });
    warnOnly.logger.info('not shown');
    warnOnly.logger.warn('shown');
    output.restore();
    expect(output.stdout()).toBe('');
    expect(output.stderr()).toContain('"shown"');

    output = capture();
    const silent = await loadLogger({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
    silent.logger.error('not shown either');
    output.restore();
    expect(output.stderr()).toBe('');
  });

  it("follows Lambda's own log level first, as Powertools did", async () => {
    const output = capture();
    const { logger } = await loadLogger({ AWS_LAMBDA_LOG_LEVEL: 'ERROR', POWERTOOLS_LOG_LEVEL: 'INFO' });
    logger.warn('filtered by Lambda');
    output.restore();
    expect(output.stderr()).toBe('');
  });
});

describe('maskPhoneNumber', () => {
  it('keeps the country code and the last four digits, also inside SIP URIs, and leaves names alone', async () => {
    const { maskPhoneNumber } = await loadLogger({});
    expect(maskPhoneNumber('+15552222222')).toBe('+1555***2222');
    expect(maskPhoneNumber('sip:+15552222222@example.com')).toBe('sip:+1555***2222@example.com');
    expect(maskPhoneNumber('Anonymous')).toBe('Anonymous');
    expect(maskPhoneNumber(42)).toBe(42);
  });
});

describe('phone numbers in every log line', () => {
  const spellings: [spelled: string, masked: string][] = [
    ['+1 (555) 111-2222', '+1555***2222'],
    ['555.111.2222', '555***2222'],
    ['(555) 111 2222', '555***2222'],
    ['tel:+1-555-333-4444', 'tel:+1555***4444'],
    ['sip:+15553334444@host', 'sip:+1555***4444@host'],
    ['+15553334444', '+1555***4444'],
    ['+44 20 7946 0958', '+4420***0958'],
    ['555-1234', '***1234'],
  ];

  it.each(spellings)('%s is written as %s, wherever it appears in the line', async (spelled, masked) => {
    const output = capture();
    const { logger } = await loadLogger({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    logger.info(`call from ${spelled} ended`, {
      from: spelled,
      nested: { to: [spelled] },
      error: new Error(`busy: ${spelled}`),
    });
    output.restore();
    const line = JSON.parse(output.stdout()) as Record<string, unknown>;
    expect(line).toMatchObject({
      message: `call from ${masked} ended`,
      from: masked,
      nested: { to: [masked] },
      error: { message: `busy: ${masked}` },
    });
    expect(output.stdout()).not.toContain(spelled.replace(/\D/g, '').slice(-7));
  });

  it('names, call ids, trace ids, times and dates stay readable', async () => {
    const output = capture();
    const { logger } = await loadLogger({
      POWERTOOLS_LOG_LEVEL: 'INFO',
      _X_AMZN_TRACE_ID: 'Root=1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa',
    });
    const readable = {
      from: 'Anonymous',
      to: 'Private',
      callId: 'c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85',
      other: '3C5F8A8B-CDA2-443A-B797-B3ADA2197E05',
      endTime: '2026-11-20T15:58:04.911Z',
      endedDay: '2026-11-20',
      status: 204,
    };
    logger.info('disconnect callback', readable);
    output.restore();
    expect(JSON.parse(output.stdout())).toMatchObject({
      ...readable,
      xray_trace_id: '1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa',
    });
  });

  it('masks a number right after a line break, tab or control character in a logged text, as maskPhoneNumber does', async () => {
    const output = capture();
    const { logger, maskPhoneNumber } = await loadLogger({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    // JSON writes these as escapes (`\n5551112222`, `\u00015551112222`): the letter or hex digits of the escape
    // must not make the number look like part of a word.
    const texts = {
      a: 'line\n5551112222',
      b: 'tab\t+15551112222',
      c: 'ctl\u00015551112222',
      d: 'quote"5551112222',
      e: 'slash\\n5551112222',
    };
    logger.info('texts', texts);
    output.restore();
    const line = JSON.parse(output.stdout()) as Record<string, unknown>;
    expect(line).toMatchObject(
      Object.fromEntries(Object.entries(texts).map(([key, text]) => [key, maskPhoneNumber(text)])),
    );
    expect(line).toMatchObject({
      a: 'line\n555***2222',
      b: 'tab\t+1555***2222',
      c: 'ctl\u0001555***2222',
      d: 'quote"555***2222',
    });
    // A backslash then the letter n is text, not a line break: the number touches a letter, and is masked all the same.
    expect(line['e']).toBe('slash\\n555***2222');
  });

  it('a number sent as a JSON number is masked as text by maskPhoneNumber', async () => {
    const { maskPhoneNumber } = await loadLogger({});
    expect(maskPhoneNumber(15551112222)).toBe('1555***2222');
    expect(maskPhoneNumber(204)).toBe(204);
  });

  it('lines of an invocation carry its request ids and whether it was the cold start; lines outside carry none', async () => {
    const output = capture();
    const { logger, inInvocation } = await loadLogger({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    logger.info('while loading');
    await inInvocation({ awsRequestId: 'lambda-1', apiRequestId: 'api-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('inside, after awaiting');
    });
    inInvocation({ awsRequestId: 'lambda-2' }, () => logger.info('second'));
    logger.info('after');
    output.restore();
    const lines = output
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map((line) => [line['message'], line['awsRequestId'], line['apiRequestId'], line['coldStart']]);
    expect(lines).toEqual([
      ['while loading', undefined, undefined, undefined],
      ['inside, after awaiting', 'lambda-1', 'api-1', true],
      ['second', 'lambda-2', undefined, false],
      ['after', undefined, undefined, undefined],
    ]);
  });
});
