import { AwsError } from './aws-error';

/** STS error codes and texts as STS answers them (awsQuery, <ErrorResponse>). */
export const stsErrors = {
  missingAuthenticationToken: () =>
    new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403),
  incompleteSignature: (detail: string) => new AwsError('IncompleteSignature', detail, 400),
  invalidClientTokenId: () =>
    new AwsError(
      'InvalidClientTokenId',
      'The security token included in the request is invalid.',
      403,
    ),
  signatureDoesNotMatch: () => new AwsError('SignatureDoesNotMatch', SIGNATURE_MISMATCH, 403),
  signatureExpired: (signedAt: string, now: string, limit: string) =>
    new AwsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${signedAt} is now earlier than ${limit} (${now} - 15 min.)`,
      403,
    ),
  /** STS's wording for a signature dated more than 15 minutes ahead of its clock. */
  signatureNotYetCurrent: (signedAt: string, now: string, limit: string) =>
    new AwsError(
      'SignatureDoesNotMatch',
      `Signature not yet current: ${signedAt} is still later than ${limit} (${now} + 15 min.)`,
      403,
    ),
  invalidRegionScope: (region: string) =>
    new AwsError(
      'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region, not '${region}'.`,
      403,
    ),
  /** Text unverified for STS (EC2's wording): STS may answer an unknown parameter otherwise. */
  unknownParameter: (name: string) =>
    new AwsError('UnknownParameter', `The parameter ${name} is not recognized`, 400),
  /** AWS's common error for a request without Action (text unverified). */
  missingAction: () =>
    new AwsError('MissingAction', 'The request must contain the parameter Action', 400),
  /** Text unverified. */
  missingParameter: (name: string) =>
    new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400),
  expiredToken: () =>
    new AwsError('ExpiredToken', 'The security token included in the request is expired', 403),
  accessDenied: (callerArn: string, roleArn: string) =>
    new AwsError(
      'AccessDenied',
      `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    ),
  validation: (message: string) => new AwsError('ValidationError', message, 400),
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
  /** Also STS's answer to a Version it does not serve: the operation is looked up per version. */
  invalidAction: (action: string, version = STS_VERSION) =>
    new AwsError('InvalidAction', `Could not find operation ${action} for version ${version}`, 400),
  internalFailure: () =>
    new AwsError(
      'InternalFailure',
      'The request processing has failed because of an unknown error, exception or failure.',
      500,
    ),
  serviceUnavailable: () =>
    new AwsError('ServiceUnavailable', 'Service is unable to handle request.', 503),
};

export const STS_VERSION = '2011-06-15';

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
