'use strict';
/**
 * Serverless plugin for the `local` stage: before `invoke local` or `offline` it opens the local stage's embedded
 * stores (tools/local-stage/local-stage.ts: started on free ports, or this data folder's running ones), points the
 * function at them (replacing serverless.yml's placeholder endpoints), and stops what it started afterwards; after
 * `invoke local` it prints what was kept, as `npm run invoke` does. Other stages are untouched. (The functions'
 * `Fn::If` variables are resolved by tools/serverless/serverless-constant-conditions.cjs.)
 */
const { pathToFileURL } = require('node:url');

class LocalStoresPlugin {
  constructor(serverless, options) {
    this.serverless = serverless;
    this.options = options;
    this.stores = undefined;
    this.hooks = {
      'before:invoke:local:invoke': () => this.start(),
      'after:invoke:local:invoke': () => this.reportAndStop(),
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
    // Before the handler runs in this process: its body parser replaces the event's body.
    const { callIdOf } = await this.localModule('./what-was-kept.ts');
    const event = this.options.data;
    this.invokedCallId = typeof event === 'object' && event !== null ? callIdOf(event) : undefined;
    const { localStageOf, startPersistedLocalStores } = await this.localModule('./local-stage.ts');
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

  /** After `invoke local`, what `npm run invoke` prints too: the stored item, and what waits in the bucket. */
  async reportAndStop() {
    if (this.stores === undefined) return;
    try {
      const { whatWasKept } = await this.localModule('./what-was-kept.ts');
      const environment = this.serverless.service.provider.environment;
      const where = {
        dynamoEndpoint: this.stores.dynamoEndpoint,
        s3Endpoint: this.stores.s3Endpoint,
        tableName: environment.DISCONNECTS_TABLE,
        bucket: environment.PARKED_CALLBACKS_BUCKET,
      };
      process.stdout.write(`${await whatWasKept(where, this.invokedCallId)}\n`);
    } finally {
      await this.stop();
    }
  }

  localModule(path) {
    return import('tsx/esm/api').then(({ tsImport }) => tsImport(path, pathToFileURL(__filename).href));
  }

  async stop() {
    if (this.stores === undefined) return;
    await this.stores.close();
    this.stores = undefined;
  }
}

module.exports = LocalStoresPlugin;
