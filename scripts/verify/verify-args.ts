/** Flags of `npm run verify`, parsed and checked before anything is packaged. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { UsageError } from '../shared/usage-error';
import type { VerifyOptions } from './run-verify';
import type { WorldPolicy } from './world';

export const USAGE = `Usage: npm run verify -- [options]
  --stage <name>      stage to verify (repeatable or comma-separated; default: every stage in serverless.yml)
  --json              print the results as JSON
  --scp <file.json>   an SCP of the home and target accounts (repeatable; beside FullAWSAccess);
                      adds rows for what each of its statements blocks and spares
  --rcp <file.json>   an RCP of the target accounts (repeatable; beside RCPFullAWSAccess);
                      adds rows for whom each statement stops at the target role and spares
                      (without --scp and --rcp: the guardrails shipped in resources/, each
                      statement proven against its declared purpose)
  --no-shipped-guardrails  prove the documents without the shipped guardrails
  --boundary <file>   the execution role's permission boundary
  --home-account <id> home account ID (default: the placeholder 111111111111)
  --org <o-…>         require this Organization: the home account is in it, each target role demands it
  --kms-key <arn>     a customer-managed key of a target account (repeatable; default: an example key)
  --region <region>   home region to package for (default: serverless.yml's)
  --sample <n|all>    evaluate the matrix for at most n targets, evenly spaced (default 200)`;

function readPolicy(file: string): WorldPolicy {
  try {
    return {
      name: path.basename(file),
      policy: JSON.parse(readFileSync(file, 'utf8')) as PolicyDocument,
    };
  } catch (error) {
    throw new UsageError(`cannot read policy ${file}: ${(error as Error).message}`);
  }
}

export interface VerifyArgs {
  help: boolean;
  json: boolean;
  options: VerifyOptions;
}

export function parseVerifyArgs(argv: string[]): VerifyArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      stage: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      scp: { type: 'string', multiple: true },
      rcp: { type: 'string', multiple: true },
      boundary: { type: 'string' },
      'no-shipped-guardrails': { type: 'boolean', default: false },
      'home-account': { type: 'string' },
      org: { type: 'string' },
      'kms-key': { type: 'string', multiple: true },
      region: { type: 'string' },
      sample: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  const home = values['home-account'];
  if (home !== undefined && !/^\d{12}$/.test(home)) {
    throw new UsageError('--home-account must be a 12-digit account ID');
  }
  if (values.org !== undefined && !/^o-[a-z0-9]{10,32}$/.test(values.org)) {
    throw new UsageError('--org must be an Organization ID such as o-abcdefghij');
  }
  const sample =
    values.sample === undefined
      ? undefined
      : values.sample === 'all'
        ? Infinity
        : Number(values.sample);
  if (sample !== undefined && !(sample === Infinity || (Number.isInteger(sample) && sample >= 1))) {
    throw new UsageError('--sample must be a whole number of targets (1 or more) or "all"');
  }
  for (const key of values['kms-key'] ?? []) {
    if (!/^arn:[\w-]+:kms:[\w-]+:\d{12}:key\/\S+$/.test(key)) {
      throw new UsageError(`--kms-key ${key} is not a KMS key ARN`);
    }
  }
  return {
    help: values.help,
    json: values.json,
    options: {
      stages: (values.stage ?? []).flatMap((s) => s.split(',')).filter(Boolean),
      ...(home ? { homeAccountId: home } : {}),
      ...(values.org ? { organizationId: values.org } : {}),
      ...(values['kms-key']?.length ? { kmsKeyArns: values['kms-key'] } : {}),
      ...(values.region ? { region: values.region } : {}),
      ...(sample !== undefined ? { sampleTargets: sample } : {}),
      serviceControlPolicies: (values.scp ?? []).map(readPolicy),
      resourceControlPolicies: (values.rcp ?? []).map(readPolicy),
      ...(values.boundary ? { permissionBoundary: readPolicy(values.boundary) } : {}),
      ...(values['no-shipped-guardrails'] ? { shippedGuardrails: false } : {}),
    },
  };
}
