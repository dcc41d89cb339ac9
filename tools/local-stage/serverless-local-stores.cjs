'use strict';
/**
 * Serverless plugin for the `local` stage: before `invoke local` or `offline` it starts the embedded stores
 * (dynalite + s3rver, data in .local/, table created from this service's own DisconnectsTable definition), or
 * uses them if they are already running, and stops what it started afterwards. Other stages are untouched.
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
    const { startPersistedLocalStores } = await tsImport('./stores.ts', pathToFileURL(__filename).href);
    this.stores = await startPersistedLocalStores();
    this.serverless.cli.log(`local stores: DynamoDB ${this.stores.dynamoEndpoint}, S3 ${this.stores.s3Endpoint}`);
  }

  async stop() {
    if (this.stores === undefined) return;
    await this.stores.close();
    this.stores = undefined;
  }
}

module.exports = LocalStoresPlugin;
