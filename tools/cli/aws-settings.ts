/**
 * The one region rule and profile check of every command that reaches AWS: `--region`, else AWS_REGION, else
 * AWS_DEFAULT_REGION, else the profile's `region` in the AWS config file; a profile (`--profile`, else AWS_PROFILE)
 * must exist in the config or credentials file. Either missing is exit 3 with the fix, before any request is sent.
 * (The JavaScript SDK itself ignores AWS_DEFAULT_REGION, so the region found here is passed to every client.)
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CommandFailure, EXIT } from './failures.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface AwsSettings {
  region: string;
  /** Where the region came from, for the line a command prints: "--region", "AWS_REGION", "profile default". */
  regionFrom: string;
  profile: string | undefined;
}

const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

/** The sections of an AWS INI file, by profile name (`[profile x]` in the config file is profile x). */
function profilesIn(path: string): Map<string, Record<string, string>> {
  const profiles = new Map<string, Record<string, string>>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return profiles;
  }
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]\s*$/.exec(line);
    if (section !== null) {
      const name = section[1] ?? '';
      current = profiles.get(name) ?? {};
      profiles.set(name, current);
      continue;
    }
    const setting = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (setting !== null && current !== undefined) current[setting[1] ?? ''] = setting[2] ?? '';
  }
  return profiles;
}

export function awsSettings(options: { region?: string | undefined; profile?: string | undefined }, env: Env) {
  const home = nonEmpty(env['HOME']) ?? homedir();
  const configFile = nonEmpty(env['AWS_CONFIG_FILE']) ?? join(home, '.aws', 'config');
  const credentialsFile = nonEmpty(env['AWS_SHARED_CREDENTIALS_FILE']) ?? join(home, '.aws', 'credentials');
  const config = profilesIn(configFile);
  const profile = nonEmpty(options.profile) ?? nonEmpty(env['AWS_PROFILE']);
  if (profile !== undefined && !config.has(profile) && !profilesIn(credentialsFile).has(profile)) {
    throw new CommandFailure(
      `AWS profile ${JSON.stringify(profile)} does not exist in ${configFile} or ${credentialsFile}: ` +
        'name one that does (aws configure list-profiles), or create it (aws configure --profile <name>)',
      EXIT.unavailable,
    );
  }
  const sources: [string, string | undefined][] = [
    ['--region', nonEmpty(options.region)],
    ['AWS_REGION', nonEmpty(env['AWS_REGION'])],
    ['AWS_DEFAULT_REGION', nonEmpty(env['AWS_DEFAULT_REGION'])],
    [`profile ${profile ?? 'default'}`, nonEmpty(config.get(profile ?? 'default')?.['region'])],
  ];
  const found = sources.find(([, value]) => value !== undefined);
  if (found === undefined) {
    throw new CommandFailure(
      'no AWS region: pass --region, set AWS_REGION, or give the profile one ' +
        `(aws configure set region <region>${profile === undefined ? '' : ` --profile ${profile}`})`,
      EXIT.unavailable,
    );
  }
  return { region: found[1] as string, regionFrom: found[0], profile } satisfies AwsSettings;
}
