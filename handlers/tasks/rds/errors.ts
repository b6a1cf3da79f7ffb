/**
 * What RDS's errors mean, for one resource (a failed Start/Stop call) and for a whole target (a
 * refused describe). The SDK names each error after its class (`InvalidDBInstanceStateFault` for
 * the wire code `InvalidDBInstanceState`), so both spellings are read. Codes: RDS API reference,
 * StartDBInstance, StopDBInstance, StartDBCluster, StopDBCluster ("Errors").
 */
import { errorCode } from '../../core/aws-error';
import { type DiagnoseContext, describeError, TROUBLESHOOTING } from '../../core/diagnose';
import type { TargetError } from '../../core/results';

/** The wire code: the SDK's class name without its `Fault` or `Exception` suffix. */
export function rdsCode(err: unknown): string {
  return errorCode(err).replace(/(Fault|Exception)$/, '');
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

function accessHint(controlTag: string): string {
  return `the target role may not do this to this resource: its policy allows rds:StartDBInstance, rds:StopDBInstance, rds:StartDBCluster and rds:StopDBCluster only on resources tagged ${controlTag} (aws:ResourceTag). Check the resource's tag, that the target role's template is the version with the RDS permissions (redeploy resources/target-account-role.yml), and SCPs or RCPs in the target account. ${TROUBLESHOOTING}`;
}

const HINTS: Readonly<Record<string, string>> = {
  InvalidDBInstanceState:
    'the DB instance changed state since it was described, or cannot make this change now (for example while modifying or backing up); run "status" and retry',
  InvalidDBClusterState:
    'the DB cluster changed state since it was described, or cannot make this change now; run "status" and retry',
  InsufficientDBInstanceCapacity:
    'AWS has no capacity for this instance class in its Availability Zone right now; retry later (a stopped instance cannot be modified to another class)',
  DBSnapshotAlreadyExists:
    'a snapshot with the requested name exists already; this task never asks for a snapshot on stop, so another tool made the call',
  SnapshotQuotaExceeded: 'the account reached its manual snapshot quota in this region',
  DBInstanceNotFound:
    'RDS does not know this DB instance here (deleted meanwhile, or another account or region)',
  DBClusterNotFound:
    'RDS does not know this DB cluster here (deleted meanwhile, or another account or region)',
  InvalidParameterCombination:
    'RDS refused the change for this resource (for example an Aurora instance, which is stopped through its cluster)',
  KMSKeyNotAccessible:
    'RDS cannot use the KMS key that encrypts this resource; check that the key is enabled and its key policy lets RDS use it',
  InvalidSubnet: 'a subnet of its DB subnet group is no longer valid; check the DB subnet group',
  InvalidVPCNetworkState:
    'its DB subnet group no longer covers its Availability Zones; check the DB subnet group',
  DBSubnetGroupDoesNotCoverEnoughAZs:
    'its DB subnet group must cover at least two Availability Zones; add a subnet',
  AuthorizationNotFound:
    'RDS is not authorised to act for this resource (a DB security group rule or RDS service-linked role); check the RDS service-linked role in the account',
};

/** True when the error may concern this resource alone, so the other resources are still tried. */
export function isResourceSpecific(err: unknown): boolean {
  const code = rdsCode(err);
  return HINTS[code] !== undefined || ACCESS_DENIED.has(errorCode(err));
}

/** Reason for one resource's failed Start/Stop call, scrubbed. */
export function explainResourceError(
  err: unknown,
  controlTag: { key: string; value: string },
): { code: string; reason: string } {
  const { code, message } = describeError(err);
  const hint = ACCESS_DENIED.has(code)
    ? accessHint(`${controlTag.key}=${controlTag.value}`)
    : HINTS[rdsCode(err)];
  return { code, reason: hint ? `${code}: ${hint} (${message})` : `${code}: ${message}` };
}

/**
 * RDS's words for an error that stopped a whole target. RDS answers `AccessDenied` for its own
 * IAM refusals, which the shared diagnosis would read as a refused AssumeRole: an RDS action in
 * the message tells them apart. Other codes go to the shared diagnosis.
 */
export function diagnoseRdsError(err: unknown, ctx: DiagnoseContext): TargetError | undefined {
  const { code, message } = describeError(err);
  const action = /\brds:[A-Za-z]+/.exec(message)?.[0];
  if (ACCESS_DENIED.has(code) && action !== undefined) {
    return {
      code,
      message: `${code}: ${message}`,
      checks: [
        `The target role ${ctx.roleArn} was assumed, but RDS refused ${action} in ${ctx.region}. Its policy must allow rds:DescribeDBInstances and rds:DescribeDBClusters on "*" and the start and stop actions on control-tagged resources: redeploy resources/target-account-role.yml (the version with the RDS task) in account ${ctx.accountId}.`,
        `An SCP or RCP on account ${ctx.accountId} may deny RDS in ${ctx.region} (for example a region-restriction policy).`,
        TROUBLESHOOTING,
      ],
    };
  }
  const hint = HINTS[rdsCode(err)];
  if (hint === undefined) return undefined;
  return {
    code,
    message: `${code}: ${message}`,
    checks: [`RDS in ${ctx.region} of account ${ctx.accountId}: ${hint}.`, TROUBLESHOOTING],
  };
}
