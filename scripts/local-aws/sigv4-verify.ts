import { createHash, timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** What arrived over the wire, as needed to recompute a signature. */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

/** Undefined when there is no header; `malformed` when it is not a SigV4 header. */
export function parseAuthorization(
  header: string | undefined,
): SigV4Authorization | 'malformed' | undefined {
  if (header === undefined || header === '') return undefined;
  const match = AUTHORIZATION.exec(header);
  if (!match) return 'malformed';
  const [, accessKeyId, scopeDate, region, service, signedHeaders, signature] = match;
  if (!accessKeyId || !scopeDate || !region || !service || !signedHeaders || !signature)
    return 'malformed';
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: signedHeaders.split(';'),
    signature,
  };
}

/** x-amz-date (YYYYMMDDTHHMMSSZ) as epoch milliseconds, or undefined when absent or malformed. */
export function signingTime(headers: Record<string, string>): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(headers['x-amz-date'] ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
}

/**
 * Re-signs the received request with the SDK's own signer and the secret behind the presented key,
 * over exactly the headers the client said it signed, and compares signatures in constant time.
 */
export async function signatureMatches(
  request: ReceivedRequest,
  auth: SigV4Authorization,
  credentials: { secretAccessKey: string; sessionToken?: string },
): Promise<boolean> {
  const signedAt = signingTime(request.headers);
  if (signedAt === undefined) return false;
  // The signer takes a present x-amz-content-sha256 on trust instead of hashing the body, so the
  // body must be checked against it here, or a body changed after signing would pass.
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (
    declaredHash !== undefined &&
    declaredHash !== createHash('sha256').update(request.body).digest('hex')
  ) {
    return false;
  }
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return false;
    headers[name] = value;
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: auth.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      // The signer adds x-amz-security-token itself; only when the client signed it too.
      ...(credentials.sessionToken && auth.signedHeaders.includes('x-amz-security-token')
        ? { sessionToken: credentials.sessionToken }
        : {}),
    },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    // Otherwise the signer adds x-amz-content-sha256 and signs it even when the client did not.
    applyChecksum: false,
  });
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '127.0.0.1',
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    },
    { signingDate: new Date(signedAt), signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(resigned.headers.authorization ?? '')?.[1];
  if (!expected) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature));
}
