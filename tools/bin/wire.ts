/**
 * `npm run wire -- ...`: points a Bandwidth Voice application's disconnect callbacks at a deployed stage (see
 * tools/wire/cli.ts for the options, or run it with --help). Exit codes: docs/commands.md.
 */
import { runCommand } from '../cli/command-line.ts';
import { parseWireArguments, runWire, WIRE_USAGE } from '../wire/cli.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

process.exitCode = await runCommand({ name: 'wire', usage: WIRE_USAGE }, async () => {
  const request = parseWireArguments(process.argv.slice(2), process.env);
  if (request.profile !== undefined) process.env['AWS_PROFILE'] = request.profile;
  await runWire(request, { info: (line) => console.log(line), warn: (line) => console.warn(`warning: ${line}`) });
  return 0;
});
