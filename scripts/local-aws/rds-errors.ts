import { AwsError } from './aws-error';
import { stsErrors } from './sts-errors';

export const RDS_VERSION = '2014-10-31';

/**
 * RDS error codes and HTTP statuses as RDS answers them (awsQuery, <ErrorResponse>). Codes and
 * statuses are the SDK model's (@aws-sdk/client-rds: awsQueryError). Texts quoted from AWS
 * answers seen in public issue trackers are marked with their source; the others are
 * *unverified* and follow RDS's style.
 */
export const rdsErrors = {
  /** "DBInstance mydb not found." */
  dbInstanceNotFound: (id: string) =>
    new AwsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404),
  /** "DBCluster mycluster not found." */
  dbClusterNotFound: (id: string) =>
    new AwsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404),
  /** StopDBInstance on an instance that is not available (cloud-custodian#1687). */
  instanceNotAvailable: (id: string) =>
    new AwsError('InvalidDBInstanceState', `Instance ${id} is not in available state.`, 400),
  /** StartDBInstance on an instance that is not stopped (text *unverified*). */
  instanceNotStopped: (id: string, status: string) =>
    new AwsError(
      'InvalidDBInstanceState',
      `Instance ${id} is not stopped, it is currently in state ${status}.`,
      400,
    ),
  /** A read replica cannot be stopped or started (cfn-start-stop-stack#65; code *unverified*). */
  readReplica: () =>
    new AwsError('InvalidDBInstanceState', 'Cannot stop or start a Read-Replica instance', 400),
  /** An instance with read replicas cannot be stopped (RDS User Guide; text *unverified*). */
  hasReadReplicas: (id: string) =>
    new AwsError(
      'InvalidDBInstanceState',
      `Cannot stop or start instance ${id} because it has read replicas.`,
      400,
    ),
  /** Multi-AZ RDS for SQL Server cannot be stopped (RDS User Guide; text *unverified*). */
  sqlServerMultiAz: () =>
    new AwsError(
      'InvalidParameterCombination',
      'Cannot stop or start a SQL Server Multi-AZ DB instance.',
      400,
    ),
  /** Stop/Start on a cluster member (instance-scheduler-on-aws#132, #208, #111). */
  clusterMemberInstance: (engine: string) =>
    new AwsError(
      'InvalidParameterCombination',
      `${engine} DB instances are not eligible for stopping and starting.`,
      400,
    ),
  clusterNotAvailable: (id: string, status: string) =>
    new AwsError(
      'InvalidDBClusterStateFault',
      `DbCluster ${id} is in ${status} state but expected it to be one of available.`,
      400,
    ),
  clusterNotStopped: (id: string, status: string) =>
    new AwsError(
      'InvalidDBClusterStateFault',
      `DbCluster ${id} is in ${status} state but expected it to be one of stopped.`,
      400,
    ),
  /** Aurora Serverless v1 cannot be stopped (RDS User Guide; text *unverified*). */
  serverlessCluster: () =>
    new AwsError(
      'InvalidDBClusterStateFault',
      'Stop-db-cluster is not supported for these configurations: Aurora Serverless v1.',
      400,
    ),
  /** Members of an Aurora global database cannot be stopped (text *unverified*). */
  globalClusterMember: (id: string) =>
    new AwsError(
      'InvalidDBClusterStateFault',
      `DB cluster ${id} is part of a global database and cannot be stopped or started.`,
      400,
    ),
  /** "Invalid value 3412 for MaxRecords. Must be between 20 and 1000" (terraform-provider-aws#37221, for the 1000 limit). */
  invalidMaxRecords: (value: string) =>
    new AwsError(
      'InvalidParameterValue',
      `Invalid value ${value} for MaxRecords. Must be between 20 and 100`,
      400,
    ),
  invalidParameterValue: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  invalidParameterCombination: (message: string) =>
    new AwsError('InvalidParameterCombination', message, 400),
  /** Said plainly rather than faked: this endpoint holds no snapshots. */
  snapshotsNotCarriedOut: () =>
    new AwsError(
      'UnsupportedOperation',
      'The local endpoint does not take snapshots: stop without DBSnapshotIdentifier.',
      400,
    ),
  accessDenied: (message: string) => new AwsError('AccessDenied', message, 403),
  /** RDS's common throttling answer (awsQuery). */
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
  missingParameter: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  /** Texts *unverified*; the codes are AWS's common ones. */
  missingAction: stsErrors.missingAction,
  unknownParameter: stsErrors.unknownParameter,
  invalidAction: (action: string, version = RDS_VERSION) =>
    new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400),
  invalidBoolean: (name: string, value: string) =>
    new AwsError(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${name} is invalid. Expected 'true' or 'false'.`,
      400,
    ),
  internalFailure: stsErrors.internalFailure,
  serviceUnavailable: stsErrors.serviceUnavailable,
};
