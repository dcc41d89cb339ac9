/**
 * `serverless package` of one stage, run the way an operator's machine without AWS access would run it: no real AWS
 * credentials anywhere (environment, ~/.aws, instance metadata), and every AWS endpoint and proxy pointed at a
 * loopback server that records whatever reaches it. The environment holds made-up keys AWS would refuse: without
 * any, the SDK would fail before sending, and a lookup whose failure the framework tolerated would go unnoticed;
 * with them, any call the framework makes reaches the stand-in and is recorded. The project is copied to a temporary folder first, so parallel
 * test files (and other work in the tree) never share serverless-esbuild's build folder.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject, Template } from './template.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
/** What packaging reads; the rest (tests, docs, benchmarks, build output, local data) stays behind. */
const LEFT_BEHIND = new Set([
  'node_modules',
  '.git',
  '.esbuild',
  '.serverless',
  '.local',
  'tests',
  'docs',
  'bench',
  'coverage',
]);

export interface PackagedStage {
  /** The update-stack template, as `serverless deploy` would submit it. */
  template: Template;
  /** The framework's resolved service (provider settings such as the stack policy live here). */
  service: JsonObject;
  /** Requests that reached the loopback stand-in for AWS (or any proxy): none, when packaging is offline. */
  awsRequests: string[];
  /** The create-stack template (the framework's deployment bucket), as `serverless deploy` first submits it. */
  createTemplate: Template;
  /** Each artifact (zip) with the names of the files in it. */
  artifacts: Record<string, string[]>;
  /** Each artifact's bytes, by file name (disconnect.zip ...), for uploading where the template names them. */
  zips: Record<string, Buffer>;
  output: string;
}

/** The file names in a zip, from its central directory: each entry starts PK\x01\x02, name length at +28, name at +46. */
function zipEntries(zip: Buffer): string[] {
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  const names: string[] = [];
  for (let at = zip.indexOf(signature); at >= 0; at = zip.indexOf(signature, at + 46)) {
    const length = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + length));
  }
  return names.sort();
}

/** A copy of what packaging reads under `workDir`/project (node_modules linked): its own build folders. */
export function copyProject(workDir: string): string {
  const project = join(workDir, 'project');
  cpSync(projectRoot, project, {
    recursive: true,
    filter: (source) => !LEFT_BEHIND.has(relative(projectRoot, source).split(sep)[0] ?? ''),
  });
  symlinkSync(join(projectRoot, 'node_modules'), join(project, 'node_modules'), 'dir');
  return project;
}

/** The framework's CLI (osls), run with this Node. */
export const serverlessCli = join(projectRoot, 'node_modules', 'serverless', 'bin', 'serverless.js');

export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function packageStage(stage: string, params: Record<string, string> = {}): Promise<PackagedStage> {
  const workDir = mkdtempSync(join(tmpdir(), `recorder-package-${stage}-`));
  const awsRequests: string[] = [];
  const standIn = createServer((request, response) => {
    awsRequests.push(`${request.method ?? '?'} ${request.headers.host ?? ''}${request.url ?? ''}`);
    response.statusCode = 403;
    response.end();
  });
  standIn.on('connect', (request, socket) => {
    awsRequests.push(`CONNECT ${request.url ?? ''}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
  try {
    const project = copyProject(workDir);
    const out = join(workDir, 'out');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: workDir,
      AWS_ACCESS_KEY_ID: 'AKIAPACKAGINGOFFLINE',
      AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
      AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: standInUrl,
      HTTP_PROXY: standInUrl,
      HTTPS_PROXY: standInUrl,
      http_proxy: standInUrl,
      https_proxy: standInUrl,
    };
    const paramArgs = Object.entries(params).flatMap(([name, value]) => ['--param', `${name}=${value}`]);
    const { code, output } = await run(
      process.execPath,
      [serverlessCli, 'package', '--stage', stage, '--package', out, ...paramArgs],
      project,
      env,
    );
    if (code !== 0) throw new Error(`serverless package --stage ${stage} failed (${code}):\n${output}`);
    const read = (name: string): unknown => JSON.parse(readFileSync(join(out, name), 'utf8'));
    const state = read('serverless-state.json') as { service: JsonObject };
    const zips = Object.fromEntries(
      readdirSync(out)
        .filter((name) => name.endsWith('.zip'))
        .sort()
        .map((name) => [name, readFileSync(join(out, name))]),
    );
    const artifacts = Object.fromEntries(Object.entries(zips).map(([name, zip]) => [name, zipEntries(zip)]));
    return {
      template: read('cloudformation-template-update-stack.json') as Template,
      createTemplate: read('cloudformation-template-create-stack.json') as Template,
      service: state.service,
      awsRequests,
      artifacts,
      zips,
      output,
    };
  } finally {
    await new Promise<void>((resolve) => standIn.close(() => resolve()));
    rmSync(workDir, { recursive: true, force: true });
  }
}
