import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { TestCredentials } from './local-aws-fixture';

/** An endpoint answer, with the error code and message read out of either service's XML. */
export interface QueryAnswer {
  status: number;
  code: string | undefined;
  message: string | undefined;
  body: string;
}

export interface SignedQuery {
  url: string;
  service: 'sts' | 'ec2' | 'rds';
  region: string;
  credentials: TestCredentials;
  /** The form exactly as sent: no Version or Action is added. */
  form: Record<string, string>;
  /** Parameters put in the URL's query string instead, next to the form. */
  query?: Record<string, string>;
}

/**
 * A Query request signed with SigV4 but written by hand, for what the SDK will not send
 * (no Version, another Version, `DryRun=maybe`): the endpoint must refuse it as AWS would.
 */
export async function sendSignedQuery(query: SignedQuery): Promise<QueryAnswer> {
  const url = new URL(query.url);
  const body = new URLSearchParams(query.form).toString();
  const signer = new SignatureV4({
    credentials: query.credentials,
    region: query.region,
    service: query.service,
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    ...(query.query ? { query: query.query } : {}),
    headers: {
      host: url.host,
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    },
    body,
  });
  const target = query.query ? `${query.url}/?${new URLSearchParams(query.query)}` : query.url;
  const response = await fetch(target, { method: 'POST', headers: signed.headers, body });
  const text = await response.text();
  return {
    status: response.status,
    code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
    message: /<Message>([^<]*)<\/Message>/.exec(text)?.[1],
    body: text,
  };
}

interface BuiltRequest {
  body?: unknown;
  headers: Record<string, string>;
}

/**
 * Adds form parameters to a request the SDK built, before it signs it (so the signature holds):
 * how a client with a stale or mistyped model would send them.
 */
export function addParametersBeforeSigning(
  client: { middlewareStack: { add: (...args: never[]) => unknown } },
  extra: Record<string, string>,
): void {
  const add = client.middlewareStack.add as (
    middleware: (
      next: (args: { request: BuiltRequest }) => Promise<unknown>,
    ) => (args: { request: BuiltRequest }) => Promise<unknown>,
    options: { step: 'build'; name: string },
  ) => void;
  add(
    (next) => async (args) => {
      const { request } = args;
      if (typeof request.body === 'string') {
        const body = `${request.body}&${new URLSearchParams(extra).toString()}`;
        request.body = body;
        // The length was set from the original body; a stale one would cut the new form short.
        request.headers['content-length'] = String(Buffer.byteLength(body));
      }
      return next(args);
    },
    { step: 'build', name: 'addParametersBeforeSigning' },
  );
}
