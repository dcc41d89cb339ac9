/** `npm run generate`: rewrites the generated validator and types from the schema; see tools/generate/cli.ts. */
import { runCommand } from '../cli/command-line.ts';
import { GENERATE_USAGE, runGenerate } from '../generate/cli.ts';

process.exitCode = await runCommand({ name: 'generate', usage: GENERATE_USAGE }, () =>
  runGenerate(process.argv.slice(2)),
);
