import { parseTargetsArgs, TargetsArgsError } from '../../scripts/targets/args';
import { buildTargetsFile, type TargetSelection } from '../../scripts/targets/build-targets-file';
import { compareTargets, guardDrop } from '../../scripts/targets/compare-targets';
import type { OrganizationSnapshot } from '../../scripts/targets/read-organization';

const ORG = 'o-a1b2c3d4e5';
const ROOT = `${ORG}/r-a1b2/`;
const SNAPSHOT: OrganizationSnapshot = {
  organizationId: ORG,
  rootId: 'r-a1b2',
  units: [
    { id: 'ou-a1b2-prod0001', name: 'Prod', parentId: 'r-a1b2', path: `${ROOT}ou-a1b2-prod0001/` },
    {
      id: 'ou-a1b2-prodeu01',
      name: 'Prod EU',
      parentId: 'ou-a1b2-prod0001',
      path: `${ROOT}ou-a1b2-prod0001/ou-a1b2-prodeu01/`,
    },
    {
      id: 'ou-a1b2-sand0001',
      name: 'Sandbox',
      parentId: 'r-a1b2',
      path: `${ROOT}ou-a1b2-sand0001/`,
    },
  ],
  accounts: [
    {
      id: '444444444444',
      name: 'sand',
      status: 'ACTIVE',
      parentId: 'ou-a1b2-sand0001',
      path: `${ROOT}ou-a1b2-sand0001/`,
    },
    {
      id: '333333333333',
      name: 'eu',
      status: 'ACTIVE',
      parentId: 'ou-a1b2-prodeu01',
      path: `${ROOT}ou-a1b2-prod0001/ou-a1b2-prodeu01/`,
    },
    {
      id: '222222222222',
      name: 'prod',
      status: 'ACTIVE',
      parentId: 'ou-a1b2-prod0001',
      path: `${ROOT}ou-a1b2-prod0001/`,
    },
    {
      id: '666666666666',
      name: 'gone',
      status: 'SUSPENDED',
      parentId: 'ou-a1b2-sand0001',
      path: `${ROOT}ou-a1b2-sand0001/`,
    },
  ],
};

const selection = (over: Partial<TargetSelection> = {}): TargetSelection => ({
  defaultRegions: ['eu-west-1'],
  includeUnits: [],
  excludeUnits: [],
  includeAccounts: [],
  excludeAccounts: [],
  unitRegions: {},
  accountRegions: {},
  ...over,
});

describe('buildTargetsFile', () => {
  it('sorts accounts, skips inactive ones, and passes OU regions down to nested OUs', () => {
    // Act
    const built = buildTargetsFile(
      SNAPSHOT,
      selection({ unitRegions: { 'ou-a1b2-prod0001': ['us-east-1', 'eu-west-1'] } }),
    );

    // Assess
    expect(built.file.accounts.map((a) => a.accountId)).toEqual([
      '222222222222',
      '333333333333',
      '444444444444',
    ]);
    expect(built.inactive).toEqual([{ id: '666666666666', status: 'SUSPENDED' }]);
    const eu = built.file.organizationalUnits.find((u) => u.id === 'ou-a1b2-prodeu01');
    expect(eu?.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(
      built.file.organizationalUnits.find((u) => u.id === 'ou-a1b2-sand0001')?.regions,
    ).toBeUndefined();
  });

  it('includes an OU with the OUs below it, excludes accounts, and reports unknown IDs', () => {
    // Act
    const built = buildTargetsFile(
      SNAPSHOT,
      selection({
        includeUnits: ['ou-a1b2-prod0001'],
        excludeAccounts: ['222222222222'],
        includeAccounts: ['444444444444'],
        excludeUnits: ['ou-a1b2-typo0001'],
      }),
    );

    // Assess
    expect(built.file.accounts.map((a) => a.accountId)).toEqual(['333333333333', '444444444444']);
    expect(built.unknown).toEqual(['OU ou-a1b2-typo0001']);
  });
});

describe('compareTargets and guardDrop', () => {
  const t = (accountId: string, regions = ['eu-west-1']) => ({ accountId, regions });

  it('lists added, removed and changed accounts', () => {
    // Act
    const change = compareTargets(
      [t('111111111111'), t('222222222222'), t('333333333333')],
      [t('222222222222', ['us-east-1']), t('333333333333'), t('444444444444')],
    );

    // Assess
    expect(change).toEqual({
      added: ['444444444444'],
      removed: ['111111111111'],
      changed: ['222222222222'],
      before: 3,
      after: 3,
    });
  });

  it('refuses a drop above the share unless forced, and allows a first run', () => {
    // Prepare
    const before = Array.from({ length: 10 }, (_, i) => t(String(100000000000 + i)));
    const change = compareTargets(before, before.slice(0, 8));

    // Act / Assess
    expect(() => guardDrop(change, 0.1, false)).toThrow(/2 of the 10 accounts .*20%.*--force/);
    expect(() => guardDrop(change, 0.2, false)).not.toThrow();
    expect(() => guardDrop(change, 0.1, true)).not.toThrow();
    expect(() => guardDrop(compareTargets([], before), 0.1, false)).not.toThrow();
  });
});

describe('parseTargetsArgs', () => {
  it('reads selections, region assignments and the drop share', () => {
    // Act
    const args = parseTargetsArgs([
      '--from-organization',
      '--out',
      'resources/targets/prod.json',
      '--regions',
      'eu-west-1,us-east-1',
      '--exclude-ou',
      'ou-a1b2-sand0001',
      '--ou-regions',
      'ou-a1b2-prod0001=eu-central-1',
      '--max-drop',
      '25%',
    ]);

    // Assess
    expect(args.selection.defaultRegions).toEqual(['eu-west-1', 'us-east-1']);
    expect(args.selection.excludeUnits).toEqual(['ou-a1b2-sand0001']);
    expect(args.selection.unitRegions).toEqual({ 'ou-a1b2-prod0001': ['eu-central-1'] });
    expect(args.maxDropShare).toBe(0.25);
  });

  it.each([
    [['--out', 'x.json', '--regions', 'eu-west-1'], /--from-organization is required/],
    [
      ['--from-organization', '--out', 'x.json', '--regions', 'eu-west-l'],
      /not a list of AWS regions/,
    ],
    [
      [
        '--from-organization',
        '--out',
        'x.json',
        '--regions',
        'eu-west-1',
        '--exclude-ou',
        'sandbox',
      ],
      /--exclude-ou: "sandbox" is not a valid ID/,
    ],
    [
      ['--from-organization', '--out', 'x.json', '--regions', 'eu-west-1', '--max-drop', '150%'],
      /--max-drop/,
    ],
  ])('refuses %j before any AWS call', (argv, message) => {
    // Act
    const parse = () => parseTargetsArgs(argv);

    // Assess
    expect(parse).toThrow(TargetsArgsError);
    expect(parse).toThrow(message);
  });
});
