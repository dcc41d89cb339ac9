'use strict';
/**
 * Serverless plugin: what a stage's params switch on or refuse, decided when it is packaged (so also on deploy).
 *
 * - Reconciliation exists only with its Bandwidth credentials (params bandwidthAccountId and bandwidthClientId):
 *   without them the reconcile function, its schedules, role, metric filter, alarms and dashboard entries are left
 *   out of the stack, so a new stage has nothing failing and no alarm firing. One of the two without the other is
 *   refused.
 * - With callback auth on (param callbackAuth), a username that is empty, blank, a quoted empty string, or holds a
 *   colon is refused: Bandwidth would send it and every callback would be answered 401 and lost.
 */

/** Reconciliation's own parts in serverless.yml (the framework derives its log group, rules and invoke config). */
const RECONCILIATION = {
  function: 'reconcile',
  resources: [
    'ReconcileRole',
    'BackfilledCallsMetric',
    'BackfilledCallsAlarm',
    'BackfilledLegsMetric',
    'MissingLegsMetric',
    'MissingLegsAlarm',
    'ReconcileErrorsAlarm',
  ],
  metrics: ['BackfilledCalls', 'BackfilledLegs', 'MissingLegs'],
};

const ON_COMMAND =
  'BW_ACCOUNT_ID=<account> BW_CLIENT_ID=<client id> BW_CLIENT_SECRET=<secret> npm run deploy -- --stage <stage>';

class StageSwitchesPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:initialize': () => this.apply() };
  }

  apply() {
    const service = this.serverless.service;
    refuseUnusableUsername(service.functions?.disconnect?.environment?.BANDWIDTH_CALLBACK_USERNAME);
    const reconcile = service.functions?.[RECONCILIATION.function];
    if (reconcile === undefined) return;
    const accountId = String(reconcile.environment?.BW_ACCOUNT_ID ?? '').trim();
    const clientId = String(reconcile.environment?.BW_CLIENT_ID ?? '').trim();
    if (accountId !== '' && clientId !== '') return;
    if (accountId !== '' || clientId !== '') {
      throw new Error(
        'Give both bandwidthAccountId and bandwidthClientId (reconciliation), or neither (reconciliation off)',
      );
    }
    leaveOutReconciliation(service);
    this.serverless.cli.log(`reconciliation is off (no Bandwidth API credentials); to turn it on: ${ON_COMMAND}`);
  }
}

/** The username variable is `Fn::If [ChecksCallbackAuth, <username>, AWS::NoValue]`; its value is checked. */
function refuseUnusableUsername(variable) {
  const username = variable?.['Fn::If']?.[1] ?? variable;
  if (typeof username !== 'string') return;
  const unquoted = username.trim().replace(/^(['"])(.*)\1$/, '$2');
  if (unquoted.trim() === '' || username.includes(':')) {
    throw new Error(
      `callbackUsername ${JSON.stringify(username)} cannot be used for Basic auth (empty, quoted empty or with a colon): ` +
        'give a real user id, or turn callback auth off with --param=callbackAuth=off',
    );
  }
}

function leaveOutReconciliation(service) {
  delete service.functions[RECONCILIATION.function];
  const resources = service.resources?.Resources ?? {};
  for (const id of RECONCILIATION.resources) delete resources[id];
  const dashboard = resources.Dashboard?.Properties;
  const body = dashboard?.DashboardBody?.['Fn::Sub'];
  if (typeof body === 'string') dashboard.DashboardBody['Fn::Sub'] = withoutReconciliation(body);
}

/** The dashboard body (JSON whose strings hold Fn::Sub references) without the alarms and metrics left out. */
function withoutReconciliation(body) {
  const dashboard = JSON.parse(body);
  const removedAlarm = (arn) => RECONCILIATION.resources.some((id) => arn === `\${${id}.Arn}`);
  for (const widget of dashboard.widgets) {
    const properties = widget.properties;
    if (Array.isArray(properties.alarms)) properties.alarms = properties.alarms.filter((arn) => !removedAlarm(arn));
    if (Array.isArray(properties.metrics)) {
      properties.metrics = properties.metrics.filter((metric) => !RECONCILIATION.metrics.includes(metric[1]));
      properties.title = properties.title.replace(', backfilled calls', '');
    }
  }
  dashboard.widgets = dashboard.widgets.filter((widget) => (widget.properties.metrics ?? [undefined]).length > 0);
  return JSON.stringify(dashboard);
}

module.exports = StageSwitchesPlugin;
