import { hash, timingSafeEqual } from 'node:crypto';
import {
  type AcceptedCredentials,
  type BasicCredentials,
  type CallbackCredentials,
  CredentialsUnavailable,
} from '../adapters/callback-credentials.ts';
import type { AnswerBudget } from '../adapters/deadline.ts';
import type { PresentedCredentials } from '../adapters/parked-callbacks.ts';
import { unverifiedCandidate } from '../adapters/presented-credentials.ts';
import { type ApiGatewayEvent, header } from './api-gateway.ts';
import { RequestRejected } from './request-rejected.ts';

export interface BasicAuthOptions extends CallbackCredentials {
  /** Shown in the challenge; Bandwidth only needs it to be there. */
  realm?: string;
}

/** Refused credentials remembered (digests) until the password changes; past this many the memory starts over. */
const REMEMBERED_REFUSALS = 1_000;
/**
 * How long a refusal holds: credentials refused are refused again without a read for this long, then they may make
 * one read again (a password given to Bandwidth before it was written to the store is accepted soon after).
 */
export const REFUSAL_MEMORY_MS = 30_000;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** SHA-256 first: equal-length digests let timingSafeEqual compare without leaking content or length. */
const digest = (text: string): Buffer => hash('sha256', text, 'buffer');

/** The header a client following RFC 7617 sends for these credentials: `Basic base64(UTF-8 user:password)`. */
const canonicalHeader = ({ username, password }: BasicCredentials): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

/** `Basic <base64(user:password)>` → the pair, or undefined when it is anything else. */
export function parseBasicAuthorization(value: string | undefined): BasicCredentials | undefined {
  if (value === undefined) return undefined;
  const match = /^basic +(\S+) *$/i.exec(value);
  const encoded = match?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0 || !BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  let decoded: string;
  try {
    decoded = utf8.decode(bytes);
  } catch {
    // Not UTF-8: a client following RFC 7617's historical default sends ISO-8859-1, where every byte is a character.
    decoded = bytes.toString('latin1');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // The user id cannot hold a colon (RFC 7617); the password may.
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Verified, or kept unverified (the password unreadable in time) with the credentials presented for replay. */
export type Authentication =
  | { readonly verified: true }
  | { readonly verified: false; readonly presented: PresentedCredentials };

/** Answers with the authentication, or throws the 401 challenge; a value, not a promise, in the usual case. */
export type Authenticate = (event: ApiGatewayEvent, budget: AnswerBudget) => Authentication | Promise<Authentication>;

const VERIFIED: Authentication = { verified: true };

/** Without configured credentials every request is let in. */
export const noAuthentication: Authenticate = () => VERIFIED;

/** Digests of each expected credentials object: the header as Bandwidth sends it, and each part for any other spelling. */
const expectedDigests = new WeakMap<BasicCredentials, { header: Buffer; username: Buffer; password: Buffer }>();

function digestsOf(credentials: BasicCredentials) {
  let digests = expectedDigests.get(credentials);
  if (digests === undefined) {
    digests = {
      header: digest(canonicalHeader(credentials)),
      username: digest(credentials.username),
      password: digest(credentials.password),
    };
    expectedDigests.set(credentials, digests);
  }
  return digests;
}

const candidatesOf = (accepted: AcceptedCredentials): readonly BasicCredentials[] =>
  'username' in accepted ? [accepted] : accepted;

/** The usual case in one digest; a miss says only that the header is spelt otherwise (or wrong), never which part. */
function isCanonicalFor(headerValue: string, accepted: AcceptedCredentials): boolean {
  const given = digest(headerValue);
  let matches = false;
  for (const candidate of candidatesOf(accepted)) {
    matches = timingSafeEqual(given, digestsOf(candidate).header) || matches;
  }
  return matches;
}

function matching(given: BasicCredentials, accepted: AcceptedCredentials): boolean {
  const username = digest(given.username);
  const password = digest(given.password);
  let matches = false;
  // Every comparison always runs, so the answer time does not tell which part (or which pair) was wrong.
  for (const candidate of candidatesOf(accepted)) {
    const expected = digestsOf(candidate);
    const userMatches = timingSafeEqual(username, expected.username);
    const passwordMatches = timingSafeEqual(password, expected.password);
    matches = (userMatches && passwordMatches) || matches;
  }
  return matches;
}

/**
 * Credentials refused against the current password, as digests, with when: sent again within REFUSAL_MEMORY_MS they
 * are refused without a read; any other mismatch makes the password be read again (a rotation).
 */
class RefusalMemory {
  private current: BasicCredentials | undefined;
  private readonly refused = new Map<string, number>();

  /** The refusals hold for one current password (the same object while it is unchanged). */
  holdFor(accepted: AcceptedCredentials): void {
    const current = candidatesOf(accepted)[0];
    if (current !== this.current) {
      this.refused.clear();
      this.current = current;
    }
  }

  recentlyRefused(key: string): boolean {
    return Date.now() - (this.refused.get(key) ?? Number.NEGATIVE_INFINITY) < REFUSAL_MEMORY_MS;
  }

  remember(key: string): void {
    if (this.refused.size >= REMEMBERED_REFUSALS) this.refused.clear();
    this.refused.set(key, Date.now());
  }
}

/**
 * HTTP Basic auth with the challenge flow Bandwidth expects: a request without credentials gets 401 with
 * `WWW-Authenticate: Basic realm="..."`, and Bandwidth resends it with them.
 */
export function basicAuth(options: BasicAuthOptions): Authenticate {
  const challenge = {
    'WWW-Authenticate': `Basic realm="${options.realm ?? 'Bandwidth disconnect recorder'}", charset="UTF-8"`,
  };
  const required = () =>
    new RequestRejected(401, 'authentication required', ['send HTTP Basic credentials'], challenge);
  const invalid = () => new RequestRejected(401, 'invalid credentials', [], challenge);
  const memory = new RefusalMemory();
  const expectedUser = options.username === undefined ? undefined : digest(options.username);
  const isExpectedUser = (given: BasicCredentials): boolean =>
    expectedUser === undefined || timingSafeEqual(digest(given.username), expectedUser);

  /**
   * Nothing to check against in time: the callback is kept unverified (replay checks it). Bounded: another username,
   * or distinct credentials beyond the container's few candidates, are refused like wrong ones (docs/deploying.md).
   */
  const unverified = async (given: BasicCredentials | undefined): Promise<Authentication> => {
    if (given === undefined) throw required();
    if (!isExpectedUser(given)) throw invalid();
    const presented = unverifiedCandidate(given);
    if (presented === undefined) throw invalid();
    return { verified: false, presented: await presented };
  };

  /** Every request that is not the usual one: missing, spelt otherwise, wrong, or sent with a rotated password. */
  const checkParts = async (
    headerValue: string | undefined,
    known: AcceptedCredentials | undefined,
    budget: AnswerBudget,
  ): Promise<Authentication> => {
    const given = parseBasicAuthorization(headerValue);
    if (given === undefined) throw required();
    try {
      const accepted = known ?? (await options.credentials(budget.credentialsMs()));
      if (matching(given, accepted)) return VERIFIED;
      const key = digest(`${given.username}:${given.password}`).toString('base64');
      memory.holdFor(accepted);
      // Another username cannot be a rotation: refused without a read.
      if (!memory.recentlyRefused(key) && options.refreshCredentials !== undefined && isExpectedUser(given)) {
        const reread = await options.refreshCredentials(budget.credentialsMs());
        if (matching(given, reread)) return VERIFIED;
        memory.holdFor(reread);
      }
      memory.remember(key);
    } catch (error) {
      if (!(error instanceof CredentialsUnavailable)) throw error;
      return unverified(given);
    }
    throw invalid();
  };

  // The usual callback (cached credentials, the header as Bandwidth writes it) is checked without a promise.
  return (event, budget) => {
    const raw: unknown = header(event, 'authorization');
    // A value that is not text (a number, a list, an object) is malformed credentials: the challenge, as any other.
    const headerValue = raw === undefined || typeof raw === 'string' ? raw : '';
    if (headerValue === undefined) return checkParts(headerValue, undefined, budget);
    const expected = options.credentials(budget.credentialsMs());
    if (expected instanceof Promise) {
      return expected.then(
        (accepted) => (isCanonicalFor(headerValue, accepted) ? VERIFIED : checkParts(headerValue, accepted, budget)),
        (error: unknown) =>
          error instanceof CredentialsUnavailable
            ? unverified(parseBasicAuthorization(headerValue))
            : Promise.reject(error),
      );
    }
    return isCanonicalFor(headerValue, expected) ? VERIFIED : checkParts(headerValue, expected, budget);
  };
}
