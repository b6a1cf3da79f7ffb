/**
 * SigV4 authentication for the JSON protocols (EventBridge, Step Functions, Scheduler): the same
 * checks as STS and EC2 (authenticate.ts), answered with the codes the JSON services use, plus
 * the check that the credential scope names this service's signing name.
 */
import { authenticate, type Caller } from './authenticate';
import { AwsError } from './aws-error';
import type { SessionStore } from './sessions';
import { parseAuthorization, type ReceivedRequest } from './sigv4-verify';

/** STS-worded authentication failures (authenticate.ts), as the JSON services word them. */
const JSON_AUTH_CODES: Record<string, string> = {
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
  IncompleteSignature: 'IncompleteSignatureException',
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  SignatureExpired: 'InvalidSignatureException',
  ExpiredToken: 'ExpiredTokenException',
};

export interface JsonAuthenticateInput {
  request: ReceivedRequest;
  sessions: SessionStore;
  /** Real time, for signature freshness. */
  wallNow: number;
  /** The credential scope's service, e.g. `events`, `states`. */
  signingName: string;
}

export async function authenticateJsonCaller(input: JsonAuthenticateInput): Promise<Caller> {
  const auth = parseAuthorization(input.request.headers.authorization);
  const caller = await authenticate({
    service: 'sts',
    request: input.request,
    auth,
    sessions: input.sessions,
    wallNow: input.wallNow,
  }).catch((thrown: unknown) => {
    if (thrown instanceof AwsError) {
      throw new AwsError(
        JSON_AUTH_CODES[thrown.code] ?? thrown.code,
        thrown.message,
        thrown.httpStatus === 400 ? 400 : 403,
      );
    }
    throw thrown;
  });
  if (typeof auth === 'object' && auth.service !== input.signingName) {
    throw new AwsError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${input.signingName}'.`,
      403,
    );
  }
  return caller;
}
