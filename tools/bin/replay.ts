/** `npm run replay [-- options]`: see tools/replay/cli.ts, or run it with --help. */
import { runCommand } from '../cli/command-line.ts';
import { REPLAY_USAGE, runReplay } from '../replay/cli.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here (serverless.yml sets the same).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await runCommand({ name: 'replay', usage: REPLAY_USAGE }, () => runReplay(process.argv.slice(2)));
