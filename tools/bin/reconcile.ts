/** `npm run reconcile -- --from <time> --to <time>`: see tools/reconcile/cli.ts, or run it with --help. */
import { runReconcile } from '../reconcile/cli.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await runReconcile(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
