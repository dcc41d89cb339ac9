/** `npm run records -- <command>`: read back recorded disconnects. See docs/records.md. */
import { runCommand } from '../cli/command-line.ts';
import { runRecords, USAGE } from '../records/cli.ts';

// The SDK's notice about Node 20 is for whoever maintains the runtime, not for someone reading records.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// `records list | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// runRecords words its own failures; the shared runner turns anything unforeseen into one line too.
const code = await runCommand({ name: 'records', usage: USAGE }, () =>
  runRecords(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }),
);
process.exitCode = code;
// The answer is out. A request still pending (say the bucket lookup of a report whose table failed) must not keep
// the command waiting for its own timeout; stdout and stderr are synchronous on Linux, so nothing is cut short.
setTimeout(() => process.exit(code), 500).unref();
