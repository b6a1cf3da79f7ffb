import { redact } from '../../../handlers/core/redact';
import { LEAKED_ACCESS_KEY, LEAKED_SECRET, LEAKED_SESSION_TOKEN } from '../../helpers/errors';

describe('Function: redact', () => {
  it('removes access key IDs, secrets and session tokens', () => {
    // Prepare
    const text = `signed with ${LEAKED_ACCESS_KEY} secret ${LEAKED_SECRET} token ${LEAKED_SESSION_TOKEN}; also AKIAIOSFODNN7EXAMPLE`;

    // Act
    const clean = redact(text);

    // Assess
    expect(clean).not.toContain(LEAKED_ACCESS_KEY);
    expect(clean).not.toContain(LEAKED_SECRET);
    expect(clean).not.toContain(LEAKED_SESSION_TOKEN.slice(0, 30));
    expect(clean).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(clean).toContain('[REDACTED]');
  });

  it('removes the value of credential assignments, whatever their length', () => {
    // Prepare
    const text = 'X-Amz-Security-Token=abc123&aws_secret_access_key: "short" SessionToken=xyz';

    // Act
    const clean = redact(text);

    // Assess
    expect(clean).toBe(
      'X-Amz-Security-Token=[REDACTED]&aws_secret_access_key: "[REDACTED]" SessionToken=[REDACTED]',
    );
  });

  it('leaves ordinary AWS messages, ARNs and IDs readable', () => {
    // Prepare
    const text =
      'ExpiredToken: The security token included in the request is expired. User: arn:aws:sts::111111111111:assumed-role/xacct-ec2-test-eu-west-1-exec/fn on i-0123456789abcdef0';

    // Act
    const clean = redact(text);

    // Assess
    expect(clean).toBe(text);
  });

  it('keeps the encoded authorization failure message, which the caller needs to decode', () => {
    // Prepare
    const blob = `${'AbCdEfGh0123456789'.repeat(5)}-_xyz`;
    const text = `You are not authorized to perform this operation. Encoded authorization failure message: ${blob}`;

    // Act
    const clean = redact(text);

    // Assess
    expect(clean).toBe(text);
  });
});
