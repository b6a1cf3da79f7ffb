import type { AwsError } from './aws-error';
import type { QueryParams } from './query-params';
import { stsErrors } from './sts-errors';

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  externalId?: string;
  /** Kept on the session for life; STS allows 2-64 characters of `[\w+=,.@-]`. */
  sourceIdentity?: string;
}

const DEFAULT_DURATION_SECONDS = 3600;

/** arn:<partition>:iam::<12 digits>:role[/path]/<name>, IAM's character set for paths and names. */
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/**
 * Checks AssumeRole's parameters against the STS model's constraints and words the failures as STS
 * does: "1 validation error detected: Value '…' at 'roleSessionName' failed to satisfy constraint: …".
 */
export function readAssumeRoleInput(params: QueryParams): AssumeRoleInput | AwsError {
  const problems: string[] = [];
  const roleArn = params.get('RoleArn');
  const roleSessionName = params.get('RoleSessionName');
  const externalId = params.get('ExternalId');
  const durationText = params.get('DurationSeconds');
  const sourceIdentity = params.get('SourceIdentity');

  checkString(problems, 'roleArn', roleArn, { min: 20, max: 2048 });
  checkString(problems, 'roleSessionName', roleSessionName, {
    min: 2,
    max: 64,
    pattern: /^[\w+=,.@-]*$/,
    patternText: '[\\w+=,.@-]*',
  });
  if (externalId !== undefined) {
    checkString(problems, 'externalId', externalId, {
      min: 2,
      max: 1224,
      pattern: /^[\w+=,.@:/-]*$/,
      patternText: '[\\w+=,.@:\\/-]*',
    });
  }
  if (sourceIdentity !== undefined) {
    checkString(problems, 'sourceIdentity', sourceIdentity, {
      min: 2,
      max: 64,
      pattern: /^[\w+=,.@-]*$/,
      patternText: '[\\w+=,.@-]*',
    });
  }
  let durationSeconds = DEFAULT_DURATION_SECONDS;
  if (durationText !== undefined) {
    durationSeconds = Number(durationText);
    if (!Number.isInteger(durationSeconds)) {
      problems.push(
        `Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`,
      );
    } else if (durationSeconds < 900) {
      problems.push(
        constraint(
          durationText,
          'durationSeconds',
          'Member must have value greater than or equal to 900',
        ),
      );
    } else if (durationSeconds > 43200) {
      problems.push(
        constraint(
          durationText,
          'durationSeconds',
          'Member must have value less than or equal to 43200',
        ),
      );
    }
  }
  if (problems.length > 0) {
    const count =
      problems.length === 1 ? '1 validation error' : `${problems.length} validation errors`;
    return stsErrors.validation(`${count} detected: ${problems.join('; ')}`);
  }
  // Past the model's length limits, STS parses the ARN itself; a role that merely does not
  // exist is AccessDenied later, but a value that is no role ARN at all is a ValidationError.
  if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) {
    return stsErrors.validation(`${roleArn} is invalid`);
  }
  return {
    roleArn: roleArn ?? '',
    roleSessionName: roleSessionName ?? '',
    durationSeconds,
    ...(externalId !== undefined ? { externalId } : {}),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  };
}

interface StringRule {
  min: number;
  max: number;
  pattern?: RegExp;
  patternText?: string;
}

function checkString(
  problems: string[],
  member: string,
  value: string | undefined,
  rule: StringRule,
): void {
  if (value === undefined) {
    problems.push(
      `Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
    return;
  }
  if (value.length < rule.min) {
    problems.push(
      constraint(value, member, `Member must have length greater than or equal to ${rule.min}`),
    );
  } else if (value.length > rule.max) {
    problems.push(
      constraint(value, member, `Member must have length less than or equal to ${rule.max}`),
    );
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    problems.push(
      constraint(
        value,
        member,
        `Member must satisfy regular expression pattern: ${rule.patternText}`,
      ),
    );
  }
}

function constraint(value: string, member: string, text: string): string {
  return `Value '${value}' at '${member}' failed to satisfy constraint: ${text}`;
}
