import type { AwsError } from './aws-error';
import type { ServiceName } from './faults';
import { escapeXml, leaf, node } from './xml';

export interface AwsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const RDS_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** STS (awsQuery): <XResponse><XResult>…</XResult><ResponseMetadata><RequestId/></ResponseMetadata></XResponse>. */
export function stsSuccess(action: string, resultXml: string, requestId: string): AwsHttpResponse {
  return querySuccess(STS_NAMESPACE, action, resultXml, requestId);
}

/** RDS answers in the same awsQuery shape as STS, in its own namespace. */
export function rdsSuccess(action: string, resultXml: string, requestId: string): AwsHttpResponse {
  return querySuccess(RDS_NAMESPACE, action, resultXml, requestId);
}

function querySuccess(
  namespace: string,
  action: string,
  resultXml: string,
  requestId: string,
): AwsHttpResponse {
  const body =
    `<${action}Response xmlns="${namespace}">` +
    node(`${action}Result`, resultXml) +
    node('ResponseMetadata', leaf('RequestId', requestId)) +
    `</${action}Response>`;
  return xmlResponse(200, body, requestId);
}

/** EC2 (ec2Query): the result members sit directly under <XResponse>, next to <requestId>. */
export function ec2Success(action: string, resultXml: string, requestId: string): AwsHttpResponse {
  const body =
    `${XML_DECLARATION}<${action}Response xmlns="${EC2_NAMESPACE}">` +
    leaf('requestId', requestId) +
    resultXml +
    `</${action}Response>`;
  return xmlResponse(200, body, requestId);
}

export function errorResponse(
  service: ServiceName,
  error: AwsError,
  requestId: string,
): AwsHttpResponse {
  if (service === 'ec2') return ec2Error(error, requestId);
  return queryError(service === 'rds' ? RDS_NAMESPACE : STS_NAMESPACE, error, requestId);
}

/** awsQuery's <ErrorResponse> (STS, RDS): Type, Code, Message, then RequestId. */
function queryError(namespace: string, error: AwsError, requestId: string): AwsHttpResponse {
  const body =
    `<ErrorResponse xmlns="${namespace}">` +
    node(
      'Error',
      leaf('Type', error.faultType),
      leaf('Code', error.code),
      leaf('Message', error.message),
    ) +
    leaf('RequestId', requestId) +
    '</ErrorResponse>';
  return xmlResponse(error.httpStatus, body, requestId);
}

function ec2Error(error: AwsError, requestId: string): AwsHttpResponse {
  const body =
    `${XML_DECLARATION}<Response>` +
    node('Errors', node('Error', leaf('Code', error.code), leaf('Message', error.message))) +
    `<RequestID>${escapeXml(requestId)}</RequestID></Response>`;
  return xmlResponse(error.httpStatus, body, requestId);
}

function xmlResponse(status: number, body: string, requestId: string): AwsHttpResponse {
  return {
    status,
    headers: {
      'content-type': 'text/xml',
      'x-amzn-requestid': requestId,
      // Real wall-clock time: the SDK compares it with its own clock to detect skew.
      date: new Date().toUTCString(),
    },
    body,
  };
}
