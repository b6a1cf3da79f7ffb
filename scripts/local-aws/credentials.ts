import { randomBytes } from 'node:crypto';
import { base32 } from '../shared/stack/cfn-names';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Fresh temporary credentials in AWS's formats: ASIA + 16 base32 characters, a 40-character secret, a token. */
export function newCredentialMaterial(): Omit<TemporaryCredentials, 'expiration'> {
  return {
    accessKeyId: `ASIA${base32(randomBytes(16))}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(180).toString('base64')}`,
  };
}
