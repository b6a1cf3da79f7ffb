import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  parseAuthorization,
  type ReceivedRequest,
  type SigV4Authorization,
  signatureMatches,
} from '../../scripts/local-aws/sigv4-verify';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'session-token';

/** Signs like a client that may or may not send x-amz-content-sha256 (boto3 does not for query APIs). */
async function signedRequest(body: string, applyChecksum: boolean): Promise<ReceivedRequest> {
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: 'ASIAEXAMPLEEXAMPLE00',
      secretAccessKey: SECRET,
      sessionToken: TOKEN,
    },
    region: 'eu-west-1',
    service: 'ec2',
    sha256: Sha256,
    applyChecksum,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    path: '/',
    query: {},
    headers: { host: '127.0.0.1:4599', 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { method: 'POST', path: '/', query: {}, headers, body };
}

function authOf(request: ReceivedRequest): SigV4Authorization {
  const auth = parseAuthorization(request.headers.authorization);
  if (typeof auth !== 'object') throw new Error('unparsable Authorization header');
  return auth;
}

describe('signatureMatches', () => {
  const body = 'Action=DescribeInstances&Version=2016-11-15';

  it.each([true, false])(
    'accepts an untouched request (x-amz-content-sha256 sent: %s)',
    async (applyChecksum) => {
      // Prepare
      const request = await signedRequest(body, applyChecksum);

      // Act
      const matches = await signatureMatches(request, authOf(request), {
        secretAccessKey: SECRET,
        sessionToken: TOKEN,
      });

      // Assess
      expect(matches).toBe(true);
    },
  );

  it.each([true, false])(
    'refuses a body changed after signing (x-amz-content-sha256 sent: %s)',
    async (applyChecksum) => {
      // Prepare
      const request = await signedRequest(body, applyChecksum);
      const tampered = { ...request, body: body.replace('2016', '2017') };

      // Act
      const matches = await signatureMatches(tampered, authOf(tampered), {
        secretAccessKey: SECRET,
        sessionToken: TOKEN,
      });

      // Assess
      expect(matches).toBe(false);
    },
  );

  it('refuses the right request checked against another secret', async () => {
    // Prepare
    const request = await signedRequest(body, false);

    // Act
    const matches = await signatureMatches(request, authOf(request), {
      secretAccessKey: 'other',
      sessionToken: TOKEN,
    });

    // Assess
    expect(matches).toBe(false);
  });
});

describe('parseAuthorization', () => {
  it('reads the service and region from the credential scope', () => {
    // Act
    const auth = parseAuthorization(
      `AWS4-HMAC-SHA256 Credential=ASIAX/20260105/eu-central-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'a'.repeat(64)}`,
    );

    // Assess
    expect(auth).toMatchObject({
      region: 'eu-central-1',
      service: 'sts',
      signedHeaders: ['host', 'x-amz-date'],
    });
  });

  it('calls anything else malformed, and nothing missing', () => {
    // Act & Assess
    expect(parseAuthorization('Basic abc')).toBe('malformed');
    expect(parseAuthorization(undefined)).toBeUndefined();
  });
});
