/** `npm run deploy -- --stage <stage>`: see tools/deploy/cli.ts, or run it with --help. */
import { runCommand } from '../cli/command-line.ts';
import { DEPLOY_USAGE, runDeploy } from '../deploy/cli.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await runCommand({ name: 'deploy', usage: DEPLOY_USAGE }, () => runDeploy(process.argv.slice(2)));
