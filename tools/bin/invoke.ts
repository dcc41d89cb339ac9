/** `npm run invoke -- events/<file>.json`: see tools/invoke/cli.ts, or run it with --help. */
import { runCommand } from '../cli/command-line.ts';
import { INVOKE_USAGE, runInvoke } from '../invoke/cli.ts';

const code = await runCommand({ name: 'invoke', usage: INVOKE_USAGE }, () => runInvoke(process.argv.slice(2)));
// The stores are closed; a client socket the SDK keeps alive must not hold the command open.
process.exit(code);
