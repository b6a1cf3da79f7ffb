/**
 * The AWS Organizations side of the local world: one organization (root, nested OUs, accounts
 * with their status), the management account's read-only role that `npm run targets` signs
 * with, and each account's entity path (aws:ResourceOrgPaths). Two are built in: the small
 * organization that matches seed.json, and a generated one of any size for the scale runs
 * (deterministic: the same size always gives the same IDs).
 */

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

export interface OrgAccount {
  id: string;
  name: string;
  email: string;
  status: AccountStatus;
}

export interface OrgUnit {
  id: string;
  name: string;
  accounts: OrgAccount[];
  children: OrgUnit[];
}

export interface OrganizationSeed {
  id: string;
  managementAccountId: string;
  rootId: string;
  /** Accounts directly under the root (the management account usually sits here). */
  rootAccounts: OrgAccount[];
  units: OrgUnit[];
}

/** The management account's role the generator's credentials stand for. */
export const ORGANIZATION_READER_ROLE = 'xacct-ec2-org-reader';
export const MANAGEMENT_ACCOUNT_ID = '999999999999';

/** Its identity policy: read the organization's structure, nothing else. */
export const ORGANIZATION_READER_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ReadOrganizationStructure',
      Effect: 'Allow',
      Action: [
        'organizations:DescribeOrganization',
        'organizations:ListRoots',
        'organizations:ListOrganizationalUnitsForParent',
        'organizations:ListAccountsForParent',
      ],
      Resource: '*',
    },
  ],
} as const;

function account(id: string, name: string, status: AccountStatus = 'ACTIVE'): OrgAccount {
  return { id, name, email: `aws+${name}@example.com`, status };
}

/** The organization of seed.json's accounts (o-a1b2c3d4e5); 555555555555 stays outside it. */
export const LOCAL_ORGANIZATION: OrganizationSeed = {
  id: 'o-a1b2c3d4e5',
  managementAccountId: MANAGEMENT_ACCOUNT_ID,
  rootId: 'r-a1b2',
  rootAccounts: [account(MANAGEMENT_ACCOUNT_ID, 'management')],
  units: [
    {
      id: 'ou-a1b2-infra001',
      name: 'Infrastructure',
      accounts: [account('111111111111', 'home')],
      children: [],
    },
    {
      id: 'ou-a1b2-prod0001',
      name: 'Production',
      accounts: [account('222222222222', 'target-external-id')],
      children: [
        {
          id: 'ou-a1b2-prodeu01',
          name: 'Production EU',
          accounts: [account('333333333333', 'target-organization')],
          children: [],
        },
      ],
    },
    {
      id: 'ou-a1b2-sand0001',
      name: 'Sandbox',
      accounts: [
        account('444444444444', 'target-untrusting'),
        account('666666666666', 'closed-sandbox', 'SUSPENDED'),
      ],
      children: [],
    },
  ],
};

export interface GeneratedOrganizationOptions {
  /** Active member accounts besides the management account. */
  activeAccounts: number;
  /** Top-level OUs; each has two child OUs, and accounts are dealt round-robin over all. */
  topLevelUnits?: number;
  /** One suspended account per this many active ones (default 100). */
  suspendedEvery?: number;
}

/** A large organization, o-fleetscale01, with account IDs from 200000000000 up. */
export function generatedOrganization(options: GeneratedOrganizationOptions): OrganizationSeed {
  const topLevel = options.topLevelUnits ?? 12;
  const suspendedEvery = options.suspendedEvery ?? 100;
  const units: OrgUnit[] = [];
  const leaves: OrgUnit[] = [];
  for (let t = 0; t < topLevel; t += 1) {
    const top: OrgUnit = {
      id: `ou-flt0-top${String(t).padStart(5, '0')}`,
      name: `Unit ${t}`,
      accounts: [],
      children: [],
    };
    for (let c = 0; c < 2; c += 1) {
      const child: OrgUnit = {
        id: `ou-flt0-sub${String(t * 2 + c).padStart(5, '0')}`,
        name: `Unit ${t}.${c}`,
        accounts: [],
        children: [],
      };
      top.children.push(child);
      leaves.push(child);
    }
    units.push(top);
    leaves.push(top);
  }
  const suspended = Math.floor(options.activeAccounts / suspendedEvery);
  const total = options.activeAccounts + suspended;
  for (let i = 0; i < total; i += 1) {
    const id = String(200_000_000_000 + i);
    // Every (suspendedEvery + 1)-th account is suspended, so exactly `suspended` of them are.
    const status: AccountStatus =
      (i + 1) % (suspendedEvery + 1) === 0 && i < (suspendedEvery + 1) * suspended
        ? 'SUSPENDED'
        : 'ACTIVE';
    const leaf = leaves[i % leaves.length];
    leaf?.accounts.push(account(id, `fleet-${i}`, status));
  }
  return {
    id: 'o-fleetscale01',
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    rootId: 'r-flt0',
    rootAccounts: [account(MANAGEMENT_ACCOUNT_ID, 'management')],
    units,
  };
}

/** Where an account sits: its parent and its entity path (o-…/r-…/ou-…/…/). */
export interface AccountPlace {
  account: OrgAccount;
  parentId: string;
  path: string;
}

/** Indexes an organization for the service: parents, children and account paths. */
export class OrganizationIndex {
  readonly places = new Map<string, AccountPlace>();
  readonly unitsByParent = new Map<string, OrgUnit[]>();
  readonly accountsByParent = new Map<string, OrgAccount[]>();

  constructor(readonly seed: OrganizationSeed) {
    const rootPath = `${seed.id}/${seed.rootId}/`;
    this.unitsByParent.set(seed.rootId, seed.units);
    this.accountsByParent.set(seed.rootId, seed.rootAccounts);
    for (const a of seed.rootAccounts) {
      this.places.set(a.id, { account: a, parentId: seed.rootId, path: rootPath });
    }
    const visit = (unit: OrgUnit, parentPath: string) => {
      const unitPath = `${parentPath}${unit.id}/`;
      this.unitsByParent.set(unit.id, unit.children);
      this.accountsByParent.set(unit.id, unit.accounts);
      for (const a of unit.accounts) {
        this.places.set(a.id, { account: a, parentId: unit.id, path: unitPath });
      }
      for (const child of unit.children) visit(child, unitPath);
    };
    for (const unit of seed.units) visit(unit, rootPath);
  }

  isParent(id: string): boolean {
    return this.unitsByParent.has(id);
  }
}
