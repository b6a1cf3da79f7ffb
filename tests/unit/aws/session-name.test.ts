import { ROLE_SESSION_NAME_MAX, roleSessionName } from '../../../handlers/aws/session-name';

const STS_ALPHABET = /^[\w+=,.@-]{2,64}$/;

describe('Function: roleSessionName', () => {
  it('joins service, stage and request ID', () => {
    // Prepare
    const requestId = 'c6af9ac6-7b61-11e6-9a41-93e812345678';

    // Act
    const name = roleSessionName('xacct-ec2', 'prod', requestId);

    // Assess
    expect(name).toBe('xacct-ec2-prod-c6af9ac6-7b61-11e6-9a41-93e812345678');
  });

  it('replaces colons and spaces, which STS rejects', () => {
    // Prepare
    const requestId = '2026-01-01T19:00:00Z run 1';

    // Act
    const name = roleSessionName('my service', 'dev:eu', requestId);

    // Assess
    expect(name).toBe('my-service-dev-eu-2026-01-01T19-00-00Z-run-1');
    expect(name).toMatch(STS_ALPHABET);
  });

  it('keeps the request ID whole when the name exceeds 64 characters', () => {
    // Prepare
    const requestId = 'c6af9ac6-7b61-11e6-9a41-93e812345678';

    // Act
    const name = roleSessionName('a-rather-long-service-name', 'feature-branch-stage', requestId);

    // Assess
    expect(name.length).toBeLessThanOrEqual(ROLE_SESSION_NAME_MAX);
    expect(name.startsWith('a-rather-long-service-name')).toBe(true);
    expect(name.endsWith(`-${requestId}`)).toBe(true);
    expect(name).toMatch(STS_ALPHABET);
  });

  it('truncates a request ID that alone is longer than 64 characters', () => {
    // Prepare
    const requestId = 'x'.repeat(100);

    // Act
    const name = roleSessionName('svc', 'dev', requestId);

    // Assess
    expect(name).toBe('x'.repeat(64));
  });

  it('still returns a valid name when every part is made of forbidden characters', () => {
    // Prepare
    const parts = ['::', '  ', '!!'] as const;

    // Act
    const name = roleSessionName(...parts);

    // Assess
    expect(name).toMatch(STS_ALPHABET);
  });
});
