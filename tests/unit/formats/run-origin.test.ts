import { parseRunOrigin } from '../../../handlers/formats/origin';

describe('Run origin, as an engine execution carries it', () => {
  it('reads each kind, and an absent origin as a direct start', () => {
    // Act / Assess
    expect(parseRunOrigin(undefined)).toEqual({ ok: true, origin: { kind: 'invoke' } });
    expect(parseRunOrigin({ kind: 'invoke' })).toEqual({ ok: true, origin: { kind: 'invoke' } });
    expect(
      parseRunOrigin({
        kind: 'schedule',
        schedule: 'weekday-evening-stop',
        scheduledTime: '2026-12-01T18:00:00Z',
      }),
    ).toEqual({
      ok: true,
      origin: {
        kind: 'schedule',
        schedule: 'weekday-evening-stop',
        scheduledTime: '2026-12-01T18:00:00Z',
      },
    });
    const callerArn = 'arn:aws:sts::111111111111:assumed-role/ops/operator';
    expect(parseRunOrigin({ kind: 'http', callerArn })).toEqual({
      ok: true,
      origin: { kind: 'http', callerArn },
    });
  });

  it.each([
    ['a string', 'schedule', 'origin', /must be an object/],
    ['an unknown kind', { kind: 'cron' }, 'origin.kind', /"schedule", "http" or "invoke"/],
    ['a bad schedule name', { kind: 'schedule', schedule: 'a b' }, 'origin.schedule', /1-48/],
    [
      'an unfilled scheduled time',
      { kind: 'schedule', schedule: 's', scheduledTime: '<aws.scheduler.scheduled-time>' },
      'origin.scheduledTime',
      /ISO 8601 UTC/,
    ],
    ['a caller that is no ARN', { kind: 'http', callerArn: 'ops' }, 'origin.callerArn', /ARN/],
    ['an extra field', { kind: 'invoke', admin: true }, 'origin.admin', /remove it/],
  ])('refuses %s, naming the field and the fix', (_label, value, field, message) => {
    // Act
    const parsed = parseRunOrigin(value);

    // Assess
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([{ field, message: expect.stringMatching(message) }]);
  });
});
