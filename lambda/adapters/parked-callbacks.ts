import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig, boundedCalls } from './aws-clients.ts';

/**
 * - `parked`: valid callbacks the table could not take in time; replay stores them.
 * - `quarantined`: authenticated callbacks that failed parsing or validation; replay retries them after a fix.
 */
export type ParkedKind = 'parked' | 'quarantined';

/** How a callback arrived: the JSON body as text (the GET form's parameters are turned into one, see query-form.ts). */
export interface CallbackInput {
  form: 'json' | 'query';
  body: string;
}

export interface ParkedCallback {
  version: 1;
  kind: ParkedKind;
  reason: string;
  details: readonly string[];
  /** When the recorder received the callback; replay records this time, not its own. */
  receivedAt: string;
  callId?: string | undefined;
  input: CallbackInput;
}

export const PREFIXES: Readonly<Record<ParkedKind, string>> = { parked: 'parked/', quarantined: 'quarantine/' };

export interface ParkedCallbacksOptions {
  bucket: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  /** Per-attempt limit; the caller's abort signal bounds the whole call, retries included. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** An object key that sorts by time and shows the call, safe for any callId; unique, so no copy overwrites another. */
export function parkedKey(parked: ParkedCallback): string {
  // A key segment must stay under common file-name limits (255 bytes, as s3rver's file store has): the callId
  // part is cut to 100 characters, never through a %XX escape. The UUID keeps keys unique anyway.
  const callId = encodeURIComponent(parked.callId ?? 'unknown')
    .slice(0, 100)
    .replace(/%[0-9A-F]?$/, '');
  return `${PREFIXES[parked.kind]}${parked.receivedAt.slice(0, 10)}/${parked.receivedAt}_${callId}_${randomUUID()}.json`;
}

/** A stored object's text as a ParkedCallback, or an error saying what is wrong with it (replay keeps such objects). */
export function parseParkedCallback(text: string): ParkedCallback {
  const value: unknown = JSON.parse(text);
  const envelope = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const input = (typeof envelope['input'] === 'object' && envelope['input'] !== null ? envelope['input'] : {}) as Record<
    string,
    unknown
  >;
  const problems: string[] = [];
  if (envelope['version'] !== 1) problems.push('version is not 1');
  if (envelope['kind'] !== 'parked' && envelope['kind'] !== 'quarantined') problems.push('kind is not parked or quarantined');
  if (typeof envelope['receivedAt'] !== 'string' || Number.isNaN(Date.parse(envelope['receivedAt']))) {
    problems.push('receivedAt is not a date-time');
  }
  if (input['form'] !== 'json' && input['form'] !== 'query') problems.push('input.form is not json or query');
  if (typeof input['body'] !== 'string') problems.push('input.body is not text');
  if (problems.length > 0) throw new Error(`not a parked callback: ${problems.join(', ')}`);
  return value as ParkedCallback;
}

/**
 * The fallback store: an S3 bucket independent of the table. It is the rare path, so the S3 client is loaded and
 * built on first use, not at cold start.
 */
export class ParkedCallbacks {
  readonly bucket: string;
  private client: Promise<{ s3: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;

  constructor(private readonly options: ParkedCallbacksOptions) {
    this.bucket = options.bucket;
  }

  private s3() {
    this.client ??= import('@aws-sdk/client-s3').then((sdk) => {
      const attemptTimeoutMs = this.options.requestTimeoutMs ?? 1_000;
      const s3 = new sdk.S3Client({
        ...awsClientConfig(this.options.region, this.options.endpoint),
        forcePathStyle: this.options.endpoint !== undefined,
        ...boundedCalls({
          attemptTimeoutMs,
          connectTimeoutMs: Math.min(attemptTimeoutMs, 500),
          maxAttempts: this.options.maxAttempts ?? 2,
        }),
      });
      return { s3, sdk };
    });
    return this.client;
  }

  /** Stores the callback under a new key; resolves only once S3 has it durably. */
  async park(parked: ParkedCallback, signal?: AbortSignal): Promise<string> {
    const { s3, sdk } = await this.s3();
    signal?.throwIfAborted();
    const key = parkedKey(parked);
    await s3.send(
      new sdk.PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(parked),
        ContentType: 'application/json',
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    return key;
  }

  /**
   * Every key waiting under a kind's prefix, oldest first, a page at a time. Continuation is by key, so removing
   * keys already listed does not make the listing skip any.
   */
  async *keys(kind: ParkedKind): AsyncGenerator<string> {
    const { s3, sdk } = await this.s3();
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(
        new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: PREFIXES[kind], ContinuationToken }),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
  }

  async read(key: string): Promise<ParkedCallback> {
    const { s3, sdk } = await this.s3();
    const object = await s3.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const text = await object.Body?.transformToString('utf8');
    if (text === undefined) throw new Error(`parked callback ${key} has no body`);
    return parseParkedCallback(text);
  }

  async remove(key: string): Promise<void> {
    const { s3, sdk } = await this.s3();
    await s3.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async destroy(): Promise<void> {
    if (this.client === undefined) return;
    (await this.client).s3.destroy();
  }
}
