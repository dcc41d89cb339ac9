import type { CallbackAuthConfig } from '../config.ts';
import type { BasicCredentials } from './basic-auth.ts';

/** How long a password fetched from SSM is trusted before it is fetched again (rotation needs no redeploy). */
export const PASSWORD_CACHE_SECONDS = 300;

/**
 * The credentials Bandwidth must present: from the environment, or with the password read from SSM Parameter
 * Store (SecureString) at run time through Powertools Parameters, cached. The SSM client loads on first use.
 */
export function callbackCredentials(auth: CallbackAuthConfig): () => BasicCredentials | Promise<BasicCredentials> {
  if ('password' in auth) {
    const credentials = { username: auth.username, password: auth.password };
    return () => credentials;
  }
  let current: BasicCredentials | undefined;
  return async () => {
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
    const password = await getParameter(auth.passwordParameter, { decrypt: true, maxAge: PASSWORD_CACHE_SECONDS });
    if (typeof password !== 'string' || password === '') {
      throw new Error(`SSM parameter ${auth.passwordParameter} holds no password`);
    }
    // Same object while the password is unchanged, so basic-auth keeps its digests.
    if (current?.password !== password) current = { username: auth.username, password };
    return current;
  };
}
