import { AwsError } from './aws-error';
import { SIGNATURE_MISMATCH } from './sts-errors';

/** EC2 error codes, texts and HTTP statuses as EC2 answers them (ec2Query, <Response><Errors>). */
export const ec2Errors = {
  missingAuthenticationToken: () =>
    new AwsError(
      'MissingAuthenticationToken',
      'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
      401,
    ),
  incompleteSignature: (detail: string) => new AwsError('IncompleteSignature', detail, 400),
  authFailure: () =>
    new AwsError(
      'AuthFailure',
      'AWS was not able to validate the provided access credentials',
      401,
    ),
  signatureDoesNotMatch: () => new AwsError('SignatureDoesNotMatch', SIGNATURE_MISMATCH, 403),
  /** EC2's answer both to a stale signature and to expired temporary credentials. */
  requestExpired: () => new AwsError('RequestExpired', 'Request has expired.', 400),
  /**
   * EC2 documents RequestExpired for a date stamp more than 15 minutes in the future as well;
   * the message says which way the clock is off (its wording here is not AWS's, unverified).
   */
  requestNotYetCurrent: (signedAt: string, now: string) =>
    new AwsError(
      'RequestExpired',
      `Request is not yet current: its date stamp ${signedAt} is more than 15 minutes later than the server time ${now}.`,
      400,
    ),
  /** The credential scope names a region that does not exist (code and text unverified for EC2). */
  invalidRegionScope: (region: string) =>
    new AwsError(
      'AuthFailure',
      `Credential should be scoped to a valid region, not '${region}'.`,
      401,
    ),
  unauthorizedOperation: (detail: string) =>
    new AwsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. ${detail}`,
      403,
    ),
  dryRunOperation: () =>
    new AwsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412),
  instanceNotFound: (ids: readonly string[]) =>
    new AwsError(
      'InvalidInstanceID.NotFound',
      ids.length === 1
        ? `The instance ID '${ids[0]}' does not exist`
        : `The instance IDs '${ids.join(', ')}' do not exist`,
      400,
    ),
  instanceIdMalformed: (id: string) =>
    new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`, 400),
  incorrectInstanceState: (message: string) => new AwsError('IncorrectInstanceState', message, 400),
  unsupportedHibernation: () =>
    new AwsError(
      'UnsupportedHibernationConfiguration',
      "The instance can't be hibernated because it was not configured at launch for hibernation",
      400,
    ),
  unknownParameter: (name: string) =>
    new AwsError('UnknownParameter', `The parameter ${name} is not recognized`, 400),
  /** Text unverified: EC2 answers a Version it does not serve with NoSuchVersion. */
  noSuchVersion: (version: string) =>
    new AwsError(
      'NoSuchVersion',
      `The requested version (${version}) of service AmazonEC2 does not exist`,
      400,
    ),
  /** A boolean parameter that is neither `true` nor `false` (text unverified). */
  invalidBoolean: (name: string, value: string) =>
    new AwsError(
      'InvalidParameterValue',
      `Value (${value}) for parameter ${name} is invalid. Expected 'true' or 'false'.`,
      400,
    ),
  /** CreateTags/DeleteTags on an ID of a resource type this endpoint does not hold (text unverified). */
  invalidId: (id: string) => new AwsError('InvalidID', `The ID '${id}' is not valid`, 400),
  /** An action the policy allowed but the endpoint does not carry out: said plainly, never faked. */
  notCarriedOut: (action: string) =>
    new AwsError(
      'UnsupportedOperation',
      `The local endpoint authorises ${action} but does not carry it out (the shipped target role never grants it, so an Allow here comes from another policy).`,
      400,
    ),
  /** AWS's common error for a request without Action (text unverified). */
  missingAction: () =>
    new AwsError('MissingAction', 'The request must contain the parameter Action', 400),
  missingParameter: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  invalidParameterValue: (message: string) => new AwsError('InvalidParameterValue', message, 400),
  invalidParameterCombination: (message: string) =>
    new AwsError('InvalidParameterCombination', message, 400),
  filterLimitExceeded: (message: string) => new AwsError('FilterLimitExceeded', message, 400),
  invalidPaginationToken: (token: string) =>
    new AwsError(
      'InvalidPaginationToken',
      `The specified pagination token '${token}' is not valid or is expired.`,
      400,
    ),
  requestLimitExceeded: () => new AwsError('RequestLimitExceeded', 'Request limit exceeded.', 503),
  invalidAction: (action: string) =>
    new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`, 400),
  internalError: () =>
    new AwsError(
      'InternalError',
      'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
      500,
    ),
  serviceUnavailable: () =>
    new AwsError(
      'ServiceUnavailable',
      'The request has failed due to a temporary failure of the server.',
      503,
    ),
};
