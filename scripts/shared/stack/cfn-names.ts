/**
 * Names CloudFormation gives what a template leaves unnamed, stable across runs so the local
 * world, verify and the tests agree on them (the real suffix is random; only its shape matters).
 */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += BASE32[byte % 32];
  return out;
}

/** CloudFormation's name for a role without RoleName: `<stack>-<logicalId>-<suffix>`. */
export function generatedRoleName(stackName: string, logicalId: string): string {
  const suffix = base32(createHash('sha256').update(`${stackName}/${logicalId}`).digest()).slice(
    0,
    12,
  );
  const prefix = `${stackName}-${logicalId}`.slice(0, 64 - suffix.length - 1);
  return `${prefix}-${suffix}`;
}
