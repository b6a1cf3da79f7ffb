/**
 * STS RoleSessionName: 2-64 characters of `[\w+=,.@-]`. The name shows up in the target account's
 * CloudTrail as `assumed-role/<role>/<session>`, so it carries service, stage and request ID.
 */

export const ROLE_SESSION_NAME_MAX = 64;
const ROLE_SESSION_NAME_MIN = 2;
const DISALLOWED = /[^\w+=,.@-]+/g;

function clean(part: string): string {
  return part
    .replace(DISALLOWED, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Builds `<service>-<stage>-<requestId>` in STS's alphabet. When too long, the prefix is shortened
 * first: the request ID is what ties a CloudTrail entry to one invocation's logs.
 */
export function roleSessionName(service: string, stage: string, requestId: string): string {
  const id = clean(requestId).slice(0, ROLE_SESSION_NAME_MAX);
  const prefix = clean(`${service}-${stage}`);
  const room = ROLE_SESSION_NAME_MAX - id.length - 1;
  let name: string;
  if (id === '') name = prefix.slice(0, ROLE_SESSION_NAME_MAX);
  else if (prefix === '' || room <= 0) name = id;
  else {
    const head = prefix.slice(0, room).replace(/-+$/, '');
    name = head === '' ? id : `${head}-${id}`;
  }
  // STS rejects a one-character name; an all-symbol input still yields a usable one.
  return name.length >= ROLE_SESSION_NAME_MIN ? name : `session-${name}`.replace(/-$/, '');
}
