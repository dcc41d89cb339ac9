/**
 * Every recorded AWS call held against the role of the function that signed it, as packaged, with an IAM policy
 * evaluator (@cloud-copilot/iam-simulate): which calls the role denies, and which of its statements' actions the
 * calls used.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type AwsCall, iamRequestOf } from '../support/aws-call-recorder.ts';
import { PARTITION, type PackagedFunction } from './packaged-stack.ts';

export interface RoleVerdicts {
  /** `function: action on resource (decision)` for each call its role does not allow. */
  denied: string[];
  /** `function statement-id action` for each statement that allowed a call. */
  used: Set<string>;
}

export async function holdAgainstRoles(functions: PackagedFunction[], calls: AwsCall[]): Promise<RoleVerdicts> {
  const byKey = new Map(functions.map((fn) => [fn.accessKeyId, fn]));
  const verdicts: RoleVerdicts = { denied: [], used: new Set() };
  for (const call of calls) {
    const fn = byKey.get(call.accessKeyId);
    if (fn === undefined) throw new Error(`a call signed by no function: ${call.accessKeyId} ${call.url}`);
    const request = iamRequestOf(call, PARTITION);
    const response = await runSimulation(
      {
        identityPolicies: [{ name: fn.role, policy: { Version: '2012-10-17', Statement: fn.statements } }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        request: {
          principal: `arn:aws:sts::${PARTITION.account}:assumed-role/${fn.role}/${fn.name}`,
          action: request.action,
          resource: { resource: request.resource, accountId: PARTITION.account },
          contextVariables: request.context,
        },
      },
      {},
    );
    if (response.resultType !== 'single') throw new Error(`simulation failed: ${JSON.stringify(response)}`);
    if (response.overallResult !== 'Allowed') {
      verdicts.denied.push(`${fn.name}: ${request.action} on ${request.resource} (${response.overallResult})`);
      continue;
    }
    for (const statement of response.result.analysis?.identityAnalysis?.allowStatements ?? []) {
      verdicts.used.add(`${fn.name} ${statement.explain.identifier} ${request.action}`);
    }
  }
  return verdicts;
}

/** `function statement-id action` for every action each role grants, but for the statements named. */
export function grantedActions(functions: PackagedFunction[], except: ReadonlySet<string>): string[] {
  return functions.flatMap((fn) =>
    fn.statements
      .filter((statement) => !except.has(String(statement['Sid'])))
      .flatMap((statement) =>
        [statement['Action']].flat().map((action) => `${fn.name} ${String(statement['Sid'])} ${String(action)}`),
      ),
  );
}
