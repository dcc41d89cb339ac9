'use strict';
/**
 * Serverless plugin: applies the CloudFormation conditions that `${param:...}` resolution made constant
 * (tools/serverless/constant-conditions.ts). On every command, the functions' environments get the branch each
 * `Fn::If` takes, so `invoke local` and `offline` see plain values (or no variable, for `AWS::NoValue`) as Lambda
 * would; when packaging, the compiled template keeps only what applies to the stage, so cfn-lint and reviewers see
 * the stack CloudFormation would create.
 */
const { pathToFileURL } = require('node:url');

class ConstantConditionsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      initialize: () => this.resolveEnvironments(),
      'before:aws:package:finalize:saveServiceState': () => this.resolveTemplate(),
    };
  }

  async conditionsModule() {
    const { tsImport } = await import('tsx/esm/api');
    return tsImport('./constant-conditions.ts', pathToFileURL(__filename).href);
  }

  async resolveEnvironments() {
    const { resolveEnvironment } = await this.conditionsModule();
    const service = this.serverless.service;
    const conditions = service.resources?.Conditions ?? {};
    service.provider.environment = resolveEnvironment(service.provider.environment, conditions);
    for (const fn of Object.values(service.functions ?? {})) {
      fn.environment = resolveEnvironment(fn.environment, conditions);
    }
  }

  async resolveTemplate() {
    const { applyConstantConditions } = await this.conditionsModule();
    const provider = this.serverless.service.provider;
    provider.compiledCloudFormationTemplate = applyConstantConditions(provider.compiledCloudFormationTemplate);
  }
}

module.exports = ConstantConditionsPlugin;
