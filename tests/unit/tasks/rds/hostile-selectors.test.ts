/**
 * RDS selectors written to reach past the stage's targets or the control tag: identifiers that
 * are ARNs of another account or region (DescribeDBInstances' `db-instance-id` filter accepts
 * ARNs), wildcards, padded names, more than MAX_IDENTIFIERS, and a tag selection that would drop
 * the control tag. Each is refused before any call, or keeps the control tag in the selection.
 */
import { parseRequest } from '../../../../handlers/contract/request';
import { MAX_IDENTIFIERS } from '../../../../handlers/tasks/rds/identifiers';
import { tagSelection } from '../../../../handlers/tasks/rds/select';
import type { RdsRequest } from '../../../../handlers/tasks/rds/selector';
import { CONTROL_TAG, TEST_CONFIG } from '../../../helpers/config';

const parse = (input: Record<string, unknown>) =>
  parseRequest({ task: 'rds', action: 'stop', ...input }, TEST_CONFIG);

describe('Contract: hostile rds selectors', () => {
  it.each([
    [
      'an instance ARN of an unconfigured account',
      { dbInstanceIdentifiers: ['arn:aws:rds:eu-west-1:444444444444:db:orders-db'] },
    ],
    [
      'an instance ARN of an unconfigured region',
      { dbInstanceIdentifiers: ['arn:aws:rds:ap-south-1:222222222222:db:orders-db'] },
    ],
    [
      'a cluster ARN',
      { dbClusterIdentifiers: ['arn:aws:rds:eu-west-1:444444444444:cluster:ledger'] },
    ],
    ['a wildcard', { dbInstanceIdentifiers: ['*'] }],
    ['a prefix wildcard', { dbClusterIdentifiers: ['ledger*'] }],
    ['a padded name', { dbInstanceIdentifiers: [' orders-db'] }],
    ['a resource ID instead of a name', { dbInstanceIdentifiers: ['db-ABCDEFGHIJKLMNOP:x'] }],
    ['an empty list', { dbInstanceIdentifiers: [] }],
    [
      'one identifier past the limit',
      { dbInstanceIdentifiers: Array.from({ length: MAX_IDENTIFIERS + 1 }, (_, i) => `db${i}`) },
    ],
  ])('refuses %s before any call', (_name, selector) => {
    // Act
    const parsed = parse(selector);

    // Assess
    expect(parsed.ok).toBe(false);
  });

  it('refuses a target account or region the stage does not configure, whatever the identifiers', () => {
    // Act
    const account = parse({
      targets: { accounts: ['444444444444'] },
      dbInstanceIdentifiers: ['orders-db'],
    });
    const region = parse({
      targets: { regions: ['ap-south-1'] },
      dbInstanceIdentifiers: ['orders-db'],
    });

    // Assess
    expect(account.ok).toBe(false);
    expect(region.ok).toBe(false);
  });

  it('keeps the control tag, at its one value, in a tag selection without identifiers that lists other values too', () => {
    // Prepare
    const parsed = parse({
      tags: { [CONTROL_TAG.key]: [CONTROL_TAG.value, 'other-stage'], env: 'dev' },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const request = parsed.value as RdsRequest;

    // Act
    const tags = tagSelection(
      { action: 'stop', ...(request.tags ? { tags: request.tags } : {}), controlTag: CONTROL_TAG },
      false,
    );

    // Assess
    expect({ ...tags }).toEqual({ env: ['dev'], [CONTROL_TAG.key]: [CONTROL_TAG.value] });
  });
});
