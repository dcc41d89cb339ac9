/**
 * Credentials a callback presented when the password could not be read: kept in a form replay can check but nobody
 * can read (a salted scrypt hash), and checked against the password once it can be read.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { AcceptedCredentials, BasicCredentials } from './callback-credentials.ts';
import type { PresentedCredentials } from './parked-callbacks.ts';

const scryptAsync = promisify(scrypt);
/** scrypt's defaults (N = 2^14, r = 8, p = 1): ~50 ms of CPU, paid only on the rare unverified path and at its replay. */
const HASH_BYTES = 32;
const SALT_BYTES = 16;

/** Credentials a callback presented, in a form that can be checked later but not read: never the password itself. */
export async function presentedCredentials(given: BasicCredentials): Promise<PresentedCredentials> {
  const salt = randomBytes(SALT_BYTES);
  const passwordHash = (await scryptAsync(given.password, salt, HASH_BYTES)) as Buffer;
  return { username: given.username, salt: salt.toString('base64'), passwordHash: passwordHash.toString('base64') };
}

/** Whether presented credentials match any accepted pair; every comparison runs, timing-safe. */
export async function presentedMatch(presented: PresentedCredentials, accepted: AcceptedCredentials): Promise<boolean> {
  const salt = Buffer.from(presented.salt, 'base64');
  const hash = Buffer.from(presented.passwordHash, 'base64');
  if (hash.length !== HASH_BYTES) return false;
  const username = createHash('sha256').update(presented.username).digest();
  let matches = false;
  for (const candidate of 'username' in accepted ? [accepted] : accepted) {
    const expected = (await scryptAsync(candidate.password, salt, HASH_BYTES)) as Buffer;
    const userMatches = timingSafeEqual(username, createHash('sha256').update(candidate.username).digest());
    matches = (timingSafeEqual(hash, expected) && userMatches) || matches;
  }
  return matches;
}

/**
 * At most this many distinct credentials are kept unverified per container until the password is read again. A
 * rotation brings one new password (Bandwidth sends the current and perhaps the previous one), so three is room
 * for the genuine ones; a flood of distinct wrong passwords during a store outage buys no more than three scrypt
 * hashes per container and is refused beyond them (docs/deploying.md, "Bounded under attack").
 */
export const MAX_UNVERIFIED_CANDIDATES = 3;

const candidates = new Map<string, Promise<PresentedCredentials>>();

/**
 * The presented credentials to keep an unverified callback with, hashed once per distinct pair (the same pair is
 * kept with the same salt and hash); undefined when the container already holds MAX_UNVERIFIED_CANDIDATES others.
 */
export function unverifiedCandidate(given: BasicCredentials): Promise<PresentedCredentials> | undefined {
  const key = createHash('sha256').update(`${given.username}:${given.password}`).digest('base64');
  const known = candidates.get(key);
  if (known !== undefined) return known;
  if (candidates.size >= MAX_UNVERIFIED_CANDIDATES) return undefined;
  const presented = presentedCredentials(given);
  candidates.set(key, presented);
  // A failed hash is not kept as a candidate.
  presented.catch(() => candidates.delete(key));
  return presented;
}

/** The password was read: what was kept unverified meanwhile is checked by replay; the count starts over. */
export function forgetUnverifiedCandidates(): void {
  candidates.clear();
}
