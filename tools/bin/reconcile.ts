/** `npm run reconcile -- --from <time> --to <time>`: see tools/reconcile/cli.ts, or run it with --help. */
import { runCommand } from '../cli/command-line.ts';
import { parseReconcileArguments, RECONCILE_USAGE, runReconcile } from '../reconcile/cli.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await runCommand({ name: 'reconcile', usage: RECONCILE_USAGE }, async () => {
  const request = parseReconcileArguments(process.argv.slice(2), process.env);
  if (request.profile !== undefined) process.env['AWS_PROFILE'] = request.profile;
  return runReconcile(request, process.env, { stdout: process.stdout, stderr: process.stderr });
});
