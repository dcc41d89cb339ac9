/** The recorder's configuration: half-configured callback auth refuses to start, naming the variables. */
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambda/config.ts';
import { freshStores, loadHandler } from '../support/recorder.ts';

const TABLE = { DISCONNECTS_TABLE: 'disconnects' };

describe('callback auth configuration', () => {
  it.each([
    [
      'a password without a username',
      { BANDWIDTH_CALLBACK_PASSWORD: 'pw' },
      /BANDWIDTH_CALLBACK_PASSWORD is set but BANDWIDTH_CALLBACK_USERNAME is not/,
    ],
    [
      'a secret without a username',
      { BANDWIDTH_CALLBACK_PASSWORD_SECRET: 'name' },
      /BANDWIDTH_CALLBACK_PASSWORD_SECRET is set but BANDWIDTH_CALLBACK_USERNAME is not/,
    ],
    [
      'a parameter without a username',
      { BANDWIDTH_CALLBACK_PASSWORD_PARAMETER: '/p' },
      /BANDWIDTH_CALLBACK_PASSWORD_PARAMETER is set but BANDWIDTH_CALLBACK_USERNAME is not/,
    ],
    [
      'a username without any password',
      { BANDWIDTH_CALLBACK_USERNAME: 'bandwidth' },
      /BANDWIDTH_CALLBACK_USERNAME is set but no password is: set one of BANDWIDTH_CALLBACK_PASSWORD, BANDWIDTH_CALLBACK_PASSWORD_SECRET, BANDWIDTH_CALLBACK_PASSWORD_PARAMETER/,
    ],
  ])('%s is refused with a message naming the variables', (_, env, message) => {
    expect(() => readConfig({ ...TABLE, ...env })).toThrow(message);
  });

  it.each([
    ['the password itself', { BANDWIDTH_CALLBACK_PASSWORD: 'pw' }, { username: 'bandwidth', password: 'pw' }],
    [
      'a Secrets Manager secret',
      { BANDWIDTH_CALLBACK_PASSWORD_SECRET: 'name' },
      { username: 'bandwidth', passwordSecret: 'name' },
    ],
    [
      'an SSM parameter',
      { BANDWIDTH_CALLBACK_PASSWORD_PARAMETER: '/p' },
      { username: 'bandwidth', passwordParameter: '/p' },
    ],
    [
      'the password, which wins over a store',
      { BANDWIDTH_CALLBACK_PASSWORD: 'pw', BANDWIDTH_CALLBACK_PASSWORD_SECRET: 'name' },
      { username: 'bandwidth', password: 'pw' },
    ],
  ])('a username with %s turns auth on', (_, env, auth) => {
    expect(readConfig({ ...TABLE, BANDWIDTH_CALLBACK_USERNAME: 'bandwidth', ...env }).auth).toEqual(auth);
  });

  it('none of them leaves auth off', () => {
    expect(readConfig(TABLE).auth).toBeUndefined();
  });

  it('the function refuses to start half-configured: an anonymous caller can never be stored by a typo', async () => {
    const stores = await freshStores();
    await expect(loadHandler(stores, { BANDWIDTH_CALLBACK_PASSWORD: 'pw' })).rejects.toThrow(
      /BANDWIDTH_CALLBACK_USERNAME is not/,
    );
  });
});
