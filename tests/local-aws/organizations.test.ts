/**
 * The local endpoint's AWS Organizations over the wire, with the real SDK client: pagination,
 * parents, authorisation through the Authorizer seam, and signature checks.
 */
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { type LocalAws, ManualClock, startLocalAws } from '../../scripts/local-aws';
import { generatedOrganization } from '../../scripts/local-aws/organizations-model';
import { organizationReaderCredentials } from '../../scripts/local-aws/organizations-service';
import type { Authorizer, OrganizationsCheck } from '../../scripts/shared/authorization';

const checks: OrganizationsCheck[] = [];
let allowOrganizations = true;
const authorizer: Authorizer = {
  authorizeAssumeRole: async () => ({
    allowed: false,
    result: 'ImplicitlyDenied',
    explanation: '',
  }),
  authorizeEc2: async () => ({ allowed: false, result: 'ImplicitlyDenied', explanation: '' }),
  authorizeOrganizations: async (check) => {
    checks.push(check);
    return allowOrganizations
      ? { allowed: true, result: 'Allowed', explanation: 'test' }
      : { allowed: false, result: 'ImplicitlyDenied', explanation: 'test' };
  },
};

let aws: LocalAws;
let client: OrganizationsClient;

beforeAll(async () => {
  aws = await startLocalAws({
    authorizer,
    clock: new ManualClock(),
    log: () => {},
    organization: generatedOrganization({ activeAccounts: 95, topLevelUnits: 1 }),
  });
  client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: aws.url,
    credentials: organizationReaderCredentials(aws.world),
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await aws.stop();
});

beforeEach(() => {
  checks.length = 0;
  allowOrganizations = true;
});

describe('local AWS Organizations', () => {
  it('pages accounts as AWS does, at most 20 a page, asking the Authorizer about the parent', async () => {
    // Prepare: one top-level OU with two child OUs; 95 accounts dealt over the three, 31 in the top one
    const roots = await client.send(new ListRootsCommand({}));
    const rootId = roots.Roots?.[0]?.Id ?? '';
    const units = await client.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }),
    );
    const unitId = units.OrganizationalUnits?.[0]?.Id ?? '';

    // Act
    const first = await client.send(
      new ListAccountsForParentCommand({ ParentId: unitId, MaxResults: 20 }),
    );
    const second = await client.send(
      new ListAccountsForParentCommand({ ParentId: unitId, NextToken: first.NextToken }),
    );

    // Assess
    expect(rootId).toBe('r-flt0');
    expect(first.Accounts).toHaveLength(20);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(second.Accounts?.length).toBe(31 - 20);
    expect(second.NextToken).toBeUndefined();
    expect(checks.at(-1)).toMatchObject({
      action: 'organizations:ListAccountsForParent',
      resourceArn: `arn:aws:organizations::999999999999:ou/o-fleetscale01/${unitId}`,
      callerRoleArn: 'arn:aws:iam::999999999999:role/xacct-ec2-org-reader',
    });
  });

  it('answers an unknown parent with ParentNotFoundException', async () => {
    // Act
    const listing = client.send(
      new ListAccountsForParentCommand({ ParentId: 'ou-flt0-nothere01' }),
    );

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'ParentNotFoundException' });
  });

  it('refuses what the Authorizer refuses, with AccessDeniedException', async () => {
    // Prepare
    allowOrganizations = false;

    // Act
    const listing = client.send(new ListRootsCommand({}));

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('refuses a request signed with the wrong secret', async () => {
    // Prepare
    const good = organizationReaderCredentials(aws.world);
    const forged = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: aws.url,
      credentials: { ...good, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });

    // Act
    const listing = forged.send(new ListRootsCommand({}));

    // Assess
    await expect(listing).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    expect(checks).toEqual([]);
    forged.destroy();
  });
});
