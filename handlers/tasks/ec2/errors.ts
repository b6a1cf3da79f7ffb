/**
 * What EC2's errors mean for one instance: which codes a batch can be bisected on, and the
 * words a person can act on for each instance-level failure.
 */

import { errorCode } from '../../core/aws-error';
import { describeError, TROUBLESHOOTING } from '../../core/diagnose';
import { redact } from '../../core/redact';
import { SchedulerError } from '../../formats/scheduler-error';

/**
 * Codes that can concern a single instance of a batch. When a batch call fails with one of
 * these, splitting the batch finds the culprit and lets the others through.
 */
const INSTANCE_SPECIFIC_CODES: ReadonlySet<string> = new Set([
  'IncorrectInstanceState',
  'IncorrectState',
  'UnsupportedOperation',
  'UnauthorizedOperation',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'UnsupportedHibernationConfiguration',
  'OperationNotPermitted',
  'InsufficientInstanceCapacity',
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'IncorrectSpotRequestState',
  'InvalidInstanceState',
]);

/** True when the error may be caused by one instance of a batch (so bisecting can isolate it). */
export function isInstanceSpecificError(err: unknown): boolean {
  const code = errorCode(err);
  return INSTANCE_SPECIFIC_CODES.has(code) || code.startsWith('InvalidInstanceID');
}

const INSTANCE_HINTS: Readonly<Record<string, string>> = {
  IncorrectInstanceState:
    'the instance changed state since it was described (or cannot make this transition); run "status" and retry',
  UnsupportedOperation:
    'EC2 does not support this for the instance (for example an instance-store root device cannot be stopped)',
  OperationNotPermitted:
    'stop protection (disableApiStop) is on for this instance; turn it off to let it be stopped',
  UnauthorizedOperation: `the target role may not act on this instance: check the instance's control tag and the role's tag-scoped policy, and SCPs/RCPs in the target account. ${TROUBLESHOOTING}`,
  InsufficientInstanceCapacity:
    'AWS has no capacity for this instance type in its Availability Zone right now; retry later or change the instance type',
  InstanceLimitExceeded: 'the account reached an instance limit in this region',
  VcpuLimitExceeded: 'the account reached its vCPU quota in this region; request an increase',
  UnsupportedHibernationConfiguration:
    'the instance was not configured for hibernation at launch; stop it without hibernate',
  'InvalidInstanceID.NotFound':
    'EC2 does not know this instance ID here (terminated, another account/region, or not yet visible)',
  InvalidParameterValue:
    'EC2 rejected a parameter for this instance (for example no root volume attached)',
};

/** Reason for an instance-level failure of Start/Stop, scrubbed. */
export function explainInstanceError(err: unknown): { code: string; reason: string } {
  const { code, message } = describeError(err);
  const hint = INSTANCE_HINTS[code];
  return { code, reason: hint ? `${code}: ${hint} (${message})` : `${code}: ${message}` };
}

/** Why a started instance went back to stopped (its StateReason code), in actionable words. */
export function explainStartFallback(
  code: string | undefined,
  message: string | undefined,
): string {
  // EC2's message usually repeats the code ("Client.InternalError: Client error on launch").
  const text = message ? redact(message) : undefined;
  const seen =
    text && code && text.startsWith(code)
      ? text
      : `${code ?? 'no state reason'}${text ? `: ${text}` : ''}`;
  switch (code) {
    case 'Client.InternalError':
      return `start accepted, then the instance fell back to stopped (${seen}). Most likely an EBS volume is encrypted with a customer-managed KMS key the target role cannot use: the role needs kms:CreateGrant on that key (KmsKeyArns in the target stack), and the key policy must allow it. ${TROUBLESHOOTING}`;
    case 'Server.InsufficientInstanceCapacity':
      return `start accepted, then the instance fell back to stopped (${seen}): AWS had no capacity for this instance type in its Availability Zone; retry later or change the instance type`;
    case 'Server.InternalError':
      return `start accepted, then the instance fell back to stopped (${seen}): an AWS-side error; retry later`;
    case 'Client.VolumeLimitExceeded':
      return `start accepted, then the instance fell back to stopped (${seen}): the account's EBS volume limit was reached`;
    case 'Client.InstanceInitiatedShutdown':
      return `start accepted, then the instance shut itself down (${seen}): check its system log and OS configuration`;
    case 'Client.UserInitiatedShutdown':
      return `start accepted, then the instance was stopped again by a user or another tool (${seen})`;
    default:
      return `start accepted, then the instance fell back to stopped (${seen})`;
  }
}

/** A selection that would need more filter values in one DescribeInstances call than EC2 accepts. */
export class FilterLimitError extends SchedulerError {
  constructor(values: number) {
    super(
      'FilterLimitError',
      `the selection needs at least ${values} filter values in one DescribeInstances call, more than the 200 EC2 accepts; name fewer tag values`,
    );
  }
}
