'use strict';
/**
 * Serverless plugin for the `local` stage: before `invoke local` or `offline` it opens the local stage's embedded
 * stores (tools/local-stage/local-stage.ts: started on free ports, or this data folder's running ones), points the
 * function at them (replacing serverless.yml's placeholder endpoints), and stops what it started afterwards.
 * Other stages are untouched.
 */
const { pathToFileURL } = require('node:url');

class LocalStoresPlugin {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.stores = undefined;
    this.hooks = {
      'before:invoke:local:invoke': () => this.start(),
      'after:invoke:local:invoke': () => this.stop(),
      'before:offline:start': () => this.start(),
      'before:offline:start:init': () => this.start(),
      'before:offline:start:end': () => this.stop(),
    };
  }

  isLocalStage() {
    return (this.options.stage ?? this.serverless.service.provider.stage) === 'local';
  }

  async start() {
    if (!this.isLocalStage() || this.stores !== undefined) return;
    const { tsImport } = await import('tsx/esm/api');
    const { localStageOf, startPersistedLocalStores } = await tsImport(
      './local-stage.ts',
      pathToFileURL(__filename).href,
    );
    this.stores = await startPersistedLocalStores(localStageOf(process.env));
    const endpoints = { DYNAMODB_ENDPOINT: this.stores.dynamoEndpoint, S3_ENDPOINT: this.stores.s3Endpoint };
    // offline builds each function's environment from the service; invoke local has already copied it to process.env.
    Object.assign(this.serverless.service.provider.environment, endpoints);
    // A CloudFormation intrinsic (`Fn::If` … `AWS::NoValue`) has no value without CloudFormation: offline would pass
    // it as "[object Object]". On the local stage such a variable is absent, as the deployed condition makes it.
    const environments = [
      this.serverless.service.provider.environment,
      ...Object.values(this.serverless.service.functions ?? {}).map((f) => f.environment),
    ];
    for (const environment of environments.filter(Boolean)) {
      for (const [name, value] of Object.entries(environment)) if (typeof value === 'object') delete environment[name];
    }
    // The two variables the handler always honours (the contract): set in the shell that starts the local stage,
    // they turn callback auth on there, so `npm run verify -- --stage local` can check the challenge flow too.
    for (const name of ['BANDWIDTH_CALLBACK_USERNAME', 'BANDWIDTH_CALLBACK_PASSWORD']) {
      if (process.env[name]) this.serverless.service.provider.environment[name] = process.env[name];
    }
    Object.assign(process.env, endpoints);
    this.serverless.cli.log(`local stores: DynamoDB ${this.stores.dynamoEndpoint}, S3 ${this.stores.s3Endpoint}`);
  }

  async stop() {
    if (this.stores === undefined) return;
    await this.stores.close();
    this.stores = undefined;
  }
}

module.exports = LocalStoresPlugin;
