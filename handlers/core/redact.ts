/**
 * Removes credentials from text before it reaches a result, a log line or an exception message.
 * AWS error messages rarely contain keys, but wrapped errors, proxies and local endpoints can echo
 * a signed request, so every free-text field is scrubbed.
 */

const REDACTED = '[REDACTED]';

/** Access key IDs: long-term (AKIA), temporary (ASIA) and a few rarer prefixes. */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g;

/** `secret=...`, `"SessionToken": "..."`, `X-Amz-Security-Token=...` and friends. */
const SECRET_ASSIGNMENT =
  /\b((?:aws_?)?(?:secret_?access_?key|access_?key_?id|session_?token|security_?token|x-amz-security-token|x-amz-credential|x-amz-signature)["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi;

/** Secret access keys (40 chars) and session tokens (hundreds) are long base64 runs. */
const LONG_BASE64 = /[A-Za-z0-9+/]{40,}={0,2}/g;

/**
 * EC2's "Encoded authorization failure message" is meant for the caller (it can only be decoded with
 * sts:DecodeAuthorizationMessage in the target account), so it is kept intact.
 */
const ENCODED_AUTH_MESSAGE = /(Encoded authorization failure message:\s*[\w+/=-]+)/;

function scrub(text: string): string {
  return text
    .replace(ACCESS_KEY_ID, REDACTED)
    .replace(SECRET_ASSIGNMENT, (_match, prefix: string) => `${prefix}${REDACTED}`)
    .replace(LONG_BASE64, REDACTED);
}

export function redact(text: string): string {
  // split() with a capturing group puts the kept blobs at the odd indices.
  return text
    .split(ENCODED_AUTH_MESSAGE)
    .map((part, index) => (index % 2 === 1 ? part : scrub(part)))
    .join('');
}
