/** `npm run verify -- --stage <stage>`: see tools/verify/cli.ts, or run it with --help. */
import { runCommand } from '../cli/command-line.ts';
import { runVerify, VERIFY_USAGE } from '../verify/cli.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const code = await runCommand({ name: 'verify', usage: VERIFY_USAGE }, () => runVerify(process.argv.slice(2)));
// The stores are closed; a client socket the SDK keeps alive must not hold the command open.
process.exit(code);
