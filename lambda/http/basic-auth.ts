import { hash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import {
  type AcceptedCredentials,
  type BasicCredentials,
  type CallbackCredentials,
  CredentialsUnavailable,
} from '../adapters/callback-credentials.ts';
import { unverifiedCandidate } from '../adapters/presented-credentials.ts';
import { type ApiGatewayEvent, type ApiGatewayResult, header } from './api-gateway.ts';
import type { RecorderRequest } from './callback-request.ts';
import { callbackRequestOf } from './callback-request.ts';
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

/**
 * HTTP Basic auth with the challenge flow Bandwidth expects: a request without credentials gets 401 with
 * `WWW-Authenticate: Basic realm="..."`, and Bandwidth resends it with them. Runs before the body is read.
 */
export function basicAuth(options: BasicAuthOptions): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  const challenge = {
    'WWW-Authenticate': `Basic realm="${options.realm ?? 'Bandwidth disconnect recorder'}", charset="UTF-8"`,
  };
  // Digests of the expected credentials, computed once per credentials object: the whole header as Bandwidth
  // sends it, and each part for any other spelling of it.
  const expectedDigests = new WeakMap<BasicCredentials, { header: Buffer; username: Buffer; password: Buffer }>();
  const digestsOf = (credentials: BasicCredentials) => {
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
  };
  const candidatesOf = (accepted: AcceptedCredentials): readonly BasicCredentials[] =>
    'username' in accepted ? [accepted] : accepted;

  /**
   * The usual case in one digest: the header exactly as an RFC 7617 client writes it for an accepted pair. A
   * miss says only that the header is spelt some other way (or wrong), never which part differs.
   */
  const isCanonicalFor = (headerValue: string, accepted: AcceptedCredentials): boolean => {
    const given = digest(headerValue);
    let matches = false;
    for (const candidate of candidatesOf(accepted)) {
      matches = timingSafeEqual(given, digestsOf(candidate).header) || matches;
    }
    return matches;
  };

  const matching = (given: BasicCredentials, accepted: AcceptedCredentials): boolean => {
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
  };

  const expectedUser = options.username === undefined ? undefined : digest(options.username);
  const isExpectedUser = (given: BasicCredentials): boolean =>
    expectedUser === undefined || timingSafeEqual(digest(given.username), expectedUser);

  /**
   * Credentials refused against the current password, as digests, with when: sent again within REFUSAL_MEMORY_MS,
   * they are refused at once, without a read. Any other mismatch makes the password be read again (a rotation).
   */
  let refusedFor: BasicCredentials | undefined;
  const refused = new Map<string, number>();
  /** The refusals hold for one current password (the same object while it is unchanged). */
  const refusalsFor = (accepted: AcceptedCredentials) => {
    const current = candidatesOf(accepted)[0];
    if (current !== refusedFor) {
      refused.clear();
      refusedFor = current;
    }
  };

  /** Every request that is not the usual one: missing, spelt otherwise, wrong, or sent with a rotated password. */
  const checkParts = async (
    request: RecorderRequest,
    headerValue: string | undefined,
    known: AcceptedCredentials | undefined,
  ) => {
    const given = parseBasicAuthorization(headerValue);
    if (given === undefined) {
      throw new RequestRejected(401, 'authentication required', ['send HTTP Basic credentials'], challenge);
    }
    const state = callbackRequestOf(request);
    try {
      const accepted = known ?? (await options.credentials(state.budget.credentialsMs()));
      if (matching(given, accepted)) return;
      const key = digest(`${given.username}:${given.password}`).toString('base64');
      refusalsFor(accepted);
      const recentlyRefused = Date.now() - (refused.get(key) ?? Number.NEGATIVE_INFINITY) < REFUSAL_MEMORY_MS;
      // Another username cannot be a rotation: refused without a read.
      if (!recentlyRefused && options.refreshCredentials !== undefined && isExpectedUser(given)) {
        const reread = await options.refreshCredentials(state.budget.credentialsMs());
        if (matching(given, reread)) return;
        refusalsFor(reread);
      }
      if (refused.size >= REMEMBERED_REFUSALS) refused.clear();
      refused.set(key, Date.now());
    } catch (error) {
      if (!(error instanceof CredentialsUnavailable)) throw error;
      return unverified(request, given);
    }
    throw new RequestRejected(401, 'invalid credentials', [], challenge);
  };

  /** Nothing to check against in time: the callback is kept unverified (replay checks it), never refused. */
  const unverified = async (request: RecorderRequest, given: BasicCredentials | undefined) => {
    if (given === undefined) {
      throw new RequestRejected(401, 'authentication required', ['send HTTP Basic credentials'], challenge);
    }
    if (!isExpectedUser(given)) throw new RequestRejected(401, 'invalid credentials', [], challenge);
    // Bounded: distinct credentials beyond the container's few candidates are refused like wrong ones.
    const presented = unverifiedCandidate(given);
    if (presented === undefined) throw new RequestRejected(401, 'invalid credentials', [], challenge);
    callbackRequestOf(request).unverified = await presented;
  };

  return {
    // Not async: the usual callback (cached credentials, the header as Bandwidth writes it) is checked without a
    // promise, so middy goes straight on to the next step.
    before(request) {
      const raw: unknown = header(request.event, 'authorization');
      // A value that is not text (a number, a list, an object) is malformed credentials: the challenge, as any other.
      const headerValue = raw === undefined || typeof raw === 'string' ? raw : '';
      if (headerValue === undefined) return checkParts(request, headerValue, undefined);
      const expected = options.credentials(callbackRequestOf(request).budget.credentialsMs());
      if (expected instanceof Promise) {
        return expected.then(
          (accepted) =>
            isCanonicalFor(headerValue, accepted) ? undefined : checkParts(request, headerValue, accepted),
          (error: unknown) =>
            error instanceof CredentialsUnavailable
              ? unverified(request, parseBasicAuthorization(headerValue))
              : Promise.reject(error),
        );
      }
      return isCanonicalFor(headerValue, expected) ? undefined : checkParts(request, headerValue, expected);
    },
  };
}
