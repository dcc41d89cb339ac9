/**
 * `npm run wire -- ...`: points a Bandwidth Voice application's disconnect callbacks at a deployed stage (see
 * tools/wire/wire-command.ts for the options, or run it with --help).
 *
 * Exit status: 0 when Bandwidth took the change (or a dry run), 2 for a mistake in the arguments (nothing sent),
 * 1 for any other failure.
 */
import { parseWireArguments, runWire, WIRE_USAGE, WireUsageError } from '../wire/wire-command.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(WIRE_USAGE);
    return 0;
  }
  try {
    const request = parseWireArguments(args, process.env);
    if (request.profile !== undefined) process.env['AWS_PROFILE'] = request.profile;
    await runWire(request, { info: (line) => console.log(line), warn: (line) => console.warn(`warning: ${line}`) });
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof WireUsageError) {
      console.error(`wire: ${message}\n\n${WIRE_USAGE}`);
      return 2;
    }
    console.error(`wire: ${message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
