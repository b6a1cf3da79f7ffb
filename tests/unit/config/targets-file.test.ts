import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveTargetsFile } from '../../../handlers/config/targets-file';

const EXAMPLE = JSON.parse(
  readFileSync(
    path.join(__dirname, '..', '..', '..', 'resources', 'targets', 'example.json'),
    'utf8',
  ),
) as unknown;

describe('resolveTargetsFile', () => {
  it('takes regions and ExternalIds from the account, else its OU, else the defaults', () => {
    // Prepare: the example file (an OU with a prefix, an account overriding both, a bare OU)

    // Act
    const resolved = resolveTargetsFile(EXAMPLE, 'example.json');

    // Assess
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.problems));
    expect(resolved.value.targets).toEqual([
      {
        accountId: '222222222222',
        externalId: 'xacct-ec2-prod-222222222222',
        regions: ['eu-west-1', 'eu-central-1'],
      },
      {
        accountId: '333333333333',
        externalId: 'xacct-ec2-prod-b81d04f6-333333333333',
        regions: ['eu-west-1'],
      },
      { accountId: '444444444444', regions: ['eu-west-1'] },
    ]);
    expect(resolved.value.placement.get('444444444444')).toEqual({
      organizationId: 'o-exampleorg1',
      ouPath: 'o-exampleorg1/r-ex01/ou-ex01-sand0001/',
    });
  });

  it('names the account that has no regions from anywhere', () => {
    // Prepare
    const file = { version: 1, accounts: [{ accountId: '222222222222' }] };

    // Act
    const resolved = resolveTargetsFile(file, 'prod.json');

    // Assess
    expect(resolved).toEqual({
      ok: false,
      problems: [
        {
          field: 'prod.json.accounts[0].regions',
          message: expect.stringContaining('defaults.regions') as unknown as string,
        },
      ],
    });
  });

  it('refuses a reference to an OU the file does not list, and a bad account ID', () => {
    // Prepare
    const file = {
      version: 1,
      defaults: { regions: ['eu-west-1'] },
      accounts: [{ accountId: '222222222222', ou: 'ou-ab12-11111111' }],
    };
    const badId = { version: 1, accounts: [{ accountId: '2222', regions: ['eu-west-1'] }] };

    // Act
    const missingOu = resolveTargetsFile(file, 'f.json');
    const malformed = resolveTargetsFile(badId, 'f.json');

    // Assess
    expect(missingOu.ok || missingOu.problems.map((p) => p.field)).toEqual([
      'f.json.accounts[0].ou',
    ]);
    expect(malformed.ok || malformed.problems.map((p) => p.field)).toEqual([
      'f.json.accounts[0].accountId',
    ]);
  });

  it('refuses a file of another format version', () => {
    // Act
    const resolved = resolveTargetsFile({ version: 2, accounts: [] }, 'f.json');

    // Assess
    expect(resolved.ok || resolved.problems.map((p) => p.field)).toContain('f.json.version');
  });
});
