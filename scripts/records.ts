/** `npm run records -- <command>`: read back recorded disconnects. See docs/records.md. */
import { runRecords } from '../lib/records/cli.ts';

// `records list | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runRecords(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
