/**
 * StartExecution over Step Functions' JSON 1.0 protocol, signed with SigV4. The one call the
 * starter makes, without @aws-sdk/client-sfn: that package has no release on the version every
 * other @aws-sdk/* package of the project pins, and one SDK version matters more than one file.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { ExecutionAlreadyExistsError, type ExecutionStarter } from './start-run';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SfnClientOptions {
  region: string;
  credentials: () => Promise<Credentials>;
  /** Default https://states.<region>.amazonaws.com; tests point it at a local server. */
  endpoint?: string;
  fetch?: typeof fetch;
}

/** A Step Functions error answer, e.g. `InvalidName`, with its HTTP status. */
export class StepFunctionsError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'StepFunctionsError';
  }
}

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Data): Buffer =>
  typeof data === 'string'
    ? Buffer.from(data, 'utf8')
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 (HMAC when given a secret) in the shape SignatureV4 expects. */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: Data) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', bytes(this.secret));
  }
  update(data: Data): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export function sfnStarter(options: SfnClientOptions): ExecutionStarter {
  const endpoint = new URL(options.endpoint ?? `https://states.${options.region}.amazonaws.com/`);
  const signer = new SignatureV4({
    service: 'states',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const send = options.fetch ?? fetch;
  return {
    async startExecution(input) {
      const body = JSON.stringify(input);
      const signed = await signer.sign({
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
        path: endpoint.pathname,
        headers: {
          host: endpoint.host,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.StartExecution',
        },
        body,
      });
      const response = await send(endpoint, {
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body,
      });
      const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.ok && typeof answer.executionArn === 'string') {
        return { executionArn: answer.executionArn };
      }
      // `__type` is `ExecutionAlreadyExists` or `com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists`.
      const code =
        String(answer.__type ?? 'UnknownError')
          .split('#')
          .pop() ?? 'UnknownError';
      const message = String(answer.message ?? answer.Message ?? `HTTP ${response.status}`);
      const error = new StepFunctionsError(code, response.status, message);
      if (code === 'ExecutionAlreadyExists') {
        throw new ExecutionAlreadyExistsError(input.name, { cause: error });
      }
      throw error;
    },
  };
}
