import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { type ApiGatewayEvent, type ApiGatewayResult, header } from './api-gateway.ts';
import { RequestRejected } from './request-rejected.ts';

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface BasicAuthOptions {
  /** Shown in the challenge; Bandwidth only needs it to be there. */
  realm?: string;
  /** The expected credentials; may be fetched (and cached) from a secret store. */
  credentials: () => BasicCredentials | Promise<BasicCredentials>;
  /**
   * Asked once when a request's credentials do not match: the expected ones read anew (a rotated password).
   * It may return the same ones, and should limit how often it goes to the store.
   */
  refreshCredentials?: () => Promise<BasicCredentials>;
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
  let expected: { source: BasicCredentials; username: Buffer; password: Buffer } | undefined;

  const matching = (given: BasicCredentials, credentials: BasicCredentials): boolean => {
    if (expected?.source !== credentials) {
      expected = { source: credentials, username: digest(credentials.username), password: digest(credentials.password) };
    }
    // Both comparisons always run, so the answer time does not tell which part was wrong.
    const userMatches = timingSafeEqual(digest(given.username), expected.username);
    const passwordMatches = timingSafeEqual(digest(given.password), expected.password);
    return userMatches && passwordMatches;
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
