/**
 * Checks across stages: a target role trusts one execution role with one ExternalId, and an
 * instance's control tag says which stage may act on it. Two stages that name the same role in
 * the same account with different callers would take over each other's trust whenever either
 * deploys its target stack; two stages with the same control tag in one account act on each
 * other's instances. Either way one stage controls another's instances, so verify refuses it.
 */
import type { ResolvedStage } from './execution-role';
import type { StaticFinding } from './static-checks';

/** What a stage places in one target account. */
interface Placement {
  stage: string;
  accountId: string;
  roleName: string;
  executionRoleArn: string;
  externalId: string | undefined;
  controlTag: string;
}

function placements(stage: ResolvedStage): Placement[] {
  const { config } = stage;
  return config.targets.map((target) => ({
    stage: stage.stage,
    accountId: target.accountId,
    roleName: config.targetRoleName,
    executionRoleArn: stage.executionRole.roleArn,
    externalId: target.externalId,
    controlTag: `${config.controlTagKey}=${config.controlTagValue}`,
  }));
}

export interface IsolationFinding extends StaticFinding {
  /** The two stages in conflict. */
  stages: [string, string];
}

/** Every pair of stages that share a target role with different callers, or a control tag. */
export function checkStageIsolation(stages: readonly ResolvedStage[]): IsolationFinding[] {
  const all = stages.flatMap(placements);
  const findings: IsolationFinding[] = [];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      if (a.stage === b.stage || a.accountId !== b.accountId) continue;
      const sameRole = a.roleName === b.roleName;
      const differentCaller =
        a.executionRoleArn !== b.executionRoleArn || a.externalId !== b.externalId;
      if (sameRole && differentCaller) {
        findings.push({
          stages: [a.stage, b.stage],
          policy: `target role ${a.roleName} in ${a.accountId}`,
          source: 'serverless.yml params',
          statement: 'TrustOnlyTheExecutionRole',
          message: `stages ${a.stage} and ${b.stage} both use role ${a.roleName} in account ${a.accountId} with different ${a.executionRoleArn !== b.executionRoleArn ? 'execution roles' : 'ExternalIds'}; one role trusts one of them, and deploying either stage's target stack takes the role from the other`,
          hint: 'stagesShareTargetRole',
        });
      }
      if (a.controlTag === b.controlTag) {
        findings.push({
          stages: [a.stage, b.stage],
          policy: `control tag ${a.controlTag} in ${a.accountId}`,
          source: 'serverless.yml params',
          statement: 'StartStopControlTaggedInstances',
          message: `stages ${a.stage} and ${b.stage} both act on instances tagged ${a.controlTag} in account ${a.accountId}; either stage starts and stops the other's instances`,
          hint: 'stagesShareControlTag',
        });
      }
    }
  });
  return findings;
}
