/** `npm run quarantine -- <command>`: what waits in the fallback bucket; see tools/quarantine/cli.ts or --help. */
import { runCommand } from '../cli/command-line.ts';
import { askOnTerminal, QUARANTINE_USAGE, runQuarantine } from '../quarantine/cli.ts';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await runCommand({ name: 'quarantine', usage: QUARANTINE_USAGE }, () =>
  runQuarantine(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    ask: process.stdin.isTTY ? askOnTerminal : undefined,
  }),
);
