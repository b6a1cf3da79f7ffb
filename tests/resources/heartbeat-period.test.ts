import {
  heartbeatPeriodSeconds,
  maxGapSeconds,
} from '../../resources/home-stack/signals/heartbeat-period';

const HOUR = 3600;

describe('Function: maxGapSeconds', () => {
  it.each([
    ['cron(0 19 ? * MON-FRI *)', 72 * HOUR],
    ['cron(0 7 * * ? *)', 24 * HOUR],
    ['cron(0 7,19 ? * * *)', 12 * HOUR],
    ['cron(0/15 * ? * * *)', 15 * 60],
    ['cron(0 9 ? * 2,4 *)', 5 * 24 * HOUR],
    ['rate(6 hours)', 6 * HOUR],
  ])('%s repeats at most every %i s', (expression, gap) => {
    // Act
    const found = maxGapSeconds(expression);

    // Assess
    expect(found).toBe(gap);
  });

  it.each(['cron(0 9 1 * ? *)', 'cron(0 9 ? * 2#1 *)', 'at(2026-12-24T18:00:00)'])(
    'cannot bound %s by a week',
    (expression) => {
      expect(maxGapSeconds(expression)).toBeUndefined();
    },
  );
});

describe('Function: heartbeatPeriodSeconds', () => {
  it('covers the longest gap plus the grace, in whole hours', () => {
    expect(heartbeatPeriodSeconds('cron(0 19 ? * MON-FRI *)')).toBe(74 * HOUR);
    expect(heartbeatPeriodSeconds('rate(10 minutes)')).toBe(3 * HOUR);
  });

  it('has no heartbeat for a schedule CloudWatch cannot evaluate within 7 days', () => {
    expect(heartbeatPeriodSeconds('cron(0 9 ? * MON *)')).toBeUndefined();
    expect(heartbeatPeriodSeconds('cron(0 9 1 * ? *)')).toBeUndefined();
  });
});
