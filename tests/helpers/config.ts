import type { RuntimeConfig } from '../../handlers/config/stage-config';

/** The runtime config the unit tests run with (also written to STAGE_CONFIG by setup-env). */
export const TEST_CONFIG: RuntimeConfig = {
  targetRoleName: 'xacct-ec2-target',
  controlTagKey: 'xacct-ec2:managed',
  controlTagValue: 'true',
  targets: [
    {
      accountId: '222222222222',
      externalId: 'xacct-ec2-test-222222222222',
      regions: ['eu-west-1', 'us-east-1'],
    },
    { accountId: '333333333333', regions: ['eu-central-1'] },
  ],
  concurrency: 4,
  sessionDurationSeconds: 3600,
  reserveMillis: 1000,
  waitTimeoutSeconds: 60,
  // The callers of the unit tests' HTTP events; an SSO read-only role, to be refused start and stop.
  callers: [
    { account: '111111111111', principal: 'role/operators', actions: ['start', 'stop', 'status'] },
    { account: '111111111111', principal: 'sso/ReadOnly', actions: ['status'] },
    { account: '111111111111', principal: 'user/alice', actions: ['start', 'stop', 'status'] },
    // Reads every run of the stage (GET /runs/{id}), scheduled ones and other callers'.
    { account: '111111111111', principal: 'role/auditors', actions: ['status'], readAllRuns: true },
    // Databases only: a rule names its tasks; the rules above name none, so they allow only ec2.
    {
      account: '111111111111',
      principal: 'role/dba',
      actions: ['start', 'stop', 'status'],
      tasks: ['rds'],
    },
  ],
  sourceIdentity: true,
  maxResourcesPerRequest: 500,
  // The one schedule whose identity the unit tests' scheduled runs may carry.
  schedules: [
    {
      name: 'weekday-evening-stop',
      expression: 'cron(0 19 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      enabled: true,
      request: { action: 'stop' },
      // Skipped dates across a year boundary, and one holiday as packaging resolves it.
      excludedDates: ['2026-12-24', '2026-12-28..2027-01-01'],
      holidays: ['DE-BY'],
      holidayDates: [{ date: '2027-01-06', name: 'Epiphany (DE-BY)' }],
    },
  ],
};

export const CONTROL_TAG = { key: TEST_CONFIG.controlTagKey, value: TEST_CONFIG.controlTagValue };

/** Waiter delays in seconds: a few milliseconds, so wait tests never really sleep. */
export const FAST_WAITER = { minDelaySeconds: 0.001, maxDelaySeconds: 0.002 };
