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
    const { localStageOf, startPersistedLocalStores } = await tsImport('./local-stage.ts', pathToFileURL(__filename).href);
    this.stores = await startPersistedLocalStores(localStageOf(process.env));
    const endpoints = { DYNAMODB_ENDPOINT: this.stores.dynamoEndpoint, S3_ENDPOINT: this.stores.s3Endpoint };
    // offline builds each function's environment from the service; invoke local has already copied it to process.env.
    Object.assign(this.serverless.service.provider.environment, endpoints);
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
