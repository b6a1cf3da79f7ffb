import type { AwsError } from './aws-error';
import { isAwsRegion } from './aws-regions';
import { ec2Errors } from './ec2-errors';
import type { ServiceName } from './faults';
import type { RoleSession, SessionStore } from './sessions';
import {
  type ReceivedRequest,
  type SigV4Authorization,
  signatureMatches,
  signingTime,
} from './sigv4-verify';
import { stsErrors } from './sts-errors';

/** Who is calling, established from a verified signature. */
export interface Caller {
  session: RoleSession;
  /** The account the call acts in: always the signing credentials' account, as in AWS. */
  accountId: string;
  region: string;
}

/** AWS refuses signatures more than 15 minutes away from its own clock. */
const MAX_SIGNATURE_SKEW_MS = 15 * 60 * 1000;

/** How each service words the same authentication failures. */
interface AuthFailures {
  missing: () => AwsError;
  incomplete: (detail: string) => AwsError;
  unknownKey: () => AwsError;
  badSignature: () => AwsError;
  invalidRegion: (region: string) => AwsError;
  stale: (signedAt: number, now: number) => AwsError;
  notYetCurrent: (signedAt: number, now: number) => AwsError;
  expired: () => AwsError;
}

/** STS's answers; the awsQuery services (RDS) answer with the same codes. */
const STS_STYLE: AuthFailures = {
  missing: stsErrors.missingAuthenticationToken,
  incomplete: stsErrors.incompleteSignature,
  unknownKey: stsErrors.invalidClientTokenId,
  badSignature: stsErrors.signatureDoesNotMatch,
  invalidRegion: stsErrors.invalidRegionScope,
  stale: (signedAt, now) =>
    stsErrors.signatureExpired(
      amzDate(signedAt),
      amzDate(now),
      amzDate(now - MAX_SIGNATURE_SKEW_MS),
    ),
  notYetCurrent: (signedAt, now) =>
    stsErrors.signatureNotYetCurrent(
      amzDate(signedAt),
      amzDate(now),
      amzDate(now + MAX_SIGNATURE_SKEW_MS),
    ),
  expired: stsErrors.expiredToken,
};

const FAILURES: Record<ServiceName, AuthFailures> = {
  sts: STS_STYLE,
  ec2: {
    missing: ec2Errors.missingAuthenticationToken,
    incomplete: ec2Errors.incompleteSignature,
    unknownKey: ec2Errors.authFailure,
    badSignature: ec2Errors.signatureDoesNotMatch,
    invalidRegion: ec2Errors.invalidRegionScope,
    stale: () => ec2Errors.requestExpired(),
    notYetCurrent: (signedAt, now) =>
      ec2Errors.requestNotYetCurrent(amzDate(signedAt), amzDate(now)),
    // EC2 answers expired temporary credentials with RequestExpired (400), not ExpiredToken.
    expired: ec2Errors.requestExpired,
  },
  rds: STS_STYLE,
};

export interface AuthenticateInput {
  service: ServiceName;
  request: ReceivedRequest;
  auth: SigV4Authorization | 'malformed' | undefined;
  sessions: SessionStore;
  /** Real time, for signature freshness (the world clock may have been moved on). */
  wallNow: number;
}

/** Resolves the caller or throws the AwsError the service would answer. */
export async function authenticate(input: AuthenticateInput): Promise<Caller> {
  const { service, request, auth, sessions, wallNow } = input;
  const failures = FAILURES[service];
  if (auth === undefined) throw failures.missing();
  if (auth === 'malformed') {
    throw failures.incomplete(
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).",
    );
  }
  // The scope is checked before the key: a region that does not exist has no signing key.
  if (!isAwsRegion(auth.region)) throw failures.invalidRegion(auth.region);
  const session = sessions.find(auth.accessKeyId);
  if (!session) throw failures.unknownKey();
  if (request.headers['x-amz-security-token'] !== session.sessionToken) throw failures.unknownKey();
  const signedAt = signingTime(request.headers);
  if (signedAt === undefined) {
    throw failures.incomplete(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (!(await signatureMatches(request, auth, session))) throw failures.badSignature();
  if (wallNow - signedAt > MAX_SIGNATURE_SKEW_MS) throw failures.stale(signedAt, wallNow);
  // A clock running ahead is told apart from one running behind: "expired" would send the
  // reader looking in the wrong direction.
  if (signedAt - wallNow > MAX_SIGNATURE_SKEW_MS) throw failures.notYetCurrent(signedAt, wallNow);
  if (sessions.isExpired(session)) throw failures.expired();
  return { session, accountId: session.role.accountId, region: auth.region };
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
