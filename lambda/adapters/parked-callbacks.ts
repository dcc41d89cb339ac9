import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig, boundedCalls, CALL_LIMITS, type CallLimits } from './aws-clients.ts';

/**
 * - `parked`: valid callbacks the table could not take in time; replay stores them.
 * - `quarantined`: authenticated callbacks that failed parsing or validation; replay retries them after a fix.
 * - `unverified`: callbacks whose credentials could not be checked in time (the password unreadable); replay checks
 *   them once it can read the password, then stores them or discards them.
 */
export type ParkedKind = 'parked' | 'quarantined' | 'unverified';

/** How a callback arrived: the JSON body as text (the GET form's parameters are turned into one, see lambda/http/callback-body.ts). */
export interface CallbackInput {
  form: 'json' | 'query';
  body: string;
}

/**
 * The credentials an unverified callback presented, kept so they can be checked later without being readable:
 * the username, and a salted scrypt hash of the password (never the password or the Authorization header).
 */
export interface PresentedCredentials {
  username: string;
  /** base64 */
  salt: string;
  /** base64 scrypt(password, salt) */
  passwordHash: string;
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
  /** Only for `unverified`. */
  credentials?: PresentedCredentials | undefined;
}

/** What a caller says about a callback it keeps; the envelope around it is built here, in one place. */
export type CallbackToKeep = Omit<ParkedCallback, 'version' | 'receivedAt' | 'details'> & {
  version?: 1;
  receivedAt: Date | string;
  details?: readonly string[];
};

export const PREFIXES: Readonly<Record<ParkedKind, string>> = {
  parked: 'parked/',
  quarantined: 'quarantine/',
  unverified: 'unverified/',
};

export interface ParkedCallbacksOptions {
  bucket: string;
  region?: string | undefined;
  endpoint?: string | undefined;
  /** Per attempt (CALL_LIMITS, by use; an operator command's by default); the caller's abort signal bounds the whole call. */
  limits?: CallLimits;
}

/** The callId as a key part: letters, digits and `-._` kept, anything else (or a lone surrogate) as `~`. */
const KEY_UNSAFE = /[^A-Za-z0-9._-]/g;
const CALL_ID_KEY_CHARS = 100;

/**
 * An object key that sorts by time and shows the call, safe for any callId (control characters, lone surrogates,
 * `%`, `/`): only ASCII letters, digits and `-._~` end up in it, at most 100 of them, so every segment stays under
 * common file-name limits (s3rver's file store: 255 bytes). The envelope keeps the callId exactly; the UUID keeps
 * keys unique, so no copy overwrites another.
 */
export function parkedKey(parked: Pick<ParkedCallback, 'kind' | 'receivedAt' | 'callId'>): string {
  const callId = (parked.callId ?? 'unknown').slice(0, CALL_ID_KEY_CHARS).replace(KEY_UNSAFE, '~');
  return `${PREFIXES[parked.kind]}${parked.receivedAt.slice(0, 10)}/${parked.receivedAt}_${callId}_${randomUUID()}.json`;
}

/** The stored envelope of a callback to keep. */
export function envelopeOf(callback: CallbackToKeep): ParkedCallback {
  const { receivedAt, details, ...rest } = callback;
  return {
    version: 1,
    ...rest,
    details: details ?? [],
    receivedAt: typeof receivedAt === 'string' ? receivedAt : receivedAt.toISOString(),
  };
}

/** A stored object's text as a ParkedCallback, or an error saying what is wrong with it (replay keeps such objects). */
export function parseParkedCallback(text: string): ParkedCallback {
  const value: unknown = JSON.parse(text);
  const envelope = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const input = (
    typeof envelope['input'] === 'object' && envelope['input'] !== null ? envelope['input'] : {}
  ) as Record<string, unknown>;
  const problems: string[] = [];
  if (envelope['version'] !== 1) problems.push('version is not 1');
  if (typeof envelope['kind'] !== 'string' || !Object.hasOwn(PREFIXES, envelope['kind'])) {
    problems.push('kind is not parked, quarantined or unverified');
  }
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
      const s3 = new sdk.S3Client({
        ...awsClientConfig(this.options.region, this.options.endpoint),
        forcePathStyle: this.options.endpoint !== undefined,
        ...boundedCalls(this.options.limits ?? CALL_LIMITS.command.fallback),
      });
      return { s3, sdk };
    });
    return this.client;
  }

  /**
   * Stores the callback under a new key of its kind; resolves only once S3 has it durably. Throttling (`SlowDown`)
   * and slow attempts are retried, with jitter, until the caller's signal says the time is up.
   */
  async park(callback: CallbackToKeep, signal?: AbortSignal): Promise<string> {
    const { s3, sdk } = await this.s3();
    signal?.throwIfAborted();
    const parked = envelopeOf(callback);
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

  /** The callback under `key`, or undefined when it is gone (another replay stored and removed it meanwhile). */
  async read(key: string): Promise<ParkedCallback | undefined> {
    const { s3, sdk } = await this.s3();
    let object;
    try {
      object = await s3.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (error instanceof sdk.NoSuchKey) return undefined;
      throw error;
    }
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
