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
