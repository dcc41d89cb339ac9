import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { type ApiGatewayEvent, type ApiGatewayResult, header } from './api-gateway.ts';
import { RequestRejected } from './request-rejected.ts';

export interface BasicCredentials {
  username: string;
  password: string;
}

/** One pair, or several accepted at once (a rotated password and the one before it, for a grace period). */
export type AcceptedCredentials = BasicCredentials | readonly BasicCredentials[];

export interface BasicAuthOptions {
  /** Shown in the challenge; Bandwidth only needs it to be there. */
  realm?: string;
  /** The expected credentials; may be fetched (and cached) from a secret store. */
  credentials: () => AcceptedCredentials | Promise<AcceptedCredentials>;
  /**
   * Asked once when a request's credentials do not match: the expected ones read anew (a rotated password).
   * It may return the same ones, and should limit how often it goes to the store.
   */
  refreshCredentials?: () => Promise<AcceptedCredentials>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** SHA-256 first: equal-length digests let timingSafeEqual compare without leaking content or length. */
const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

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
  // Digests of the expected credentials, computed once per credentials object.
  const expectedDigests = new WeakMap<BasicCredentials, { username: Buffer; password: Buffer }>();
  const digestsOf = (credentials: BasicCredentials) => {
    let digests = expectedDigests.get(credentials);
    if (digests === undefined) {
      digests = { username: digest(credentials.username), password: digest(credentials.password) };
      expectedDigests.set(credentials, digests);
    }
    return digests;
  };

  const matching = (given: BasicCredentials, accepted: AcceptedCredentials): boolean => {
    const candidates: readonly BasicCredentials[] = 'username' in accepted ? [accepted] : accepted;
    const username = digest(given.username);
    const password = digest(given.password);
    let matches = false;
    // Every comparison always runs, so the answer time does not tell which part (or which pair) was wrong.
    for (const candidate of candidates) {
      const expected = digestsOf(candidate);
      const userMatches = timingSafeEqual(username, expected.username);
      const passwordMatches = timingSafeEqual(password, expected.password);
      matches = (userMatches && passwordMatches) || matches;
    }
    return matches;
  };

  return {
    async before(request) {
      const given = parseBasicAuthorization(header(request.event, 'authorization'));
      if (given === undefined) {
        throw new RequestRejected(401, 'authentication required', ['send HTTP Basic credentials'], challenge);
      }
      let matches = matching(given, await options.credentials());
      if (!matches && options.refreshCredentials !== undefined) {
        matches = matching(given, await options.refreshCredentials());
      }
      if (!matches) {
        throw new RequestRejected(401, 'invalid credentials', [], challenge);
      }
    },
  };
}
