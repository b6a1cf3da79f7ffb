/**
 * `npm run targets` against the local endpoint's AWS Organization, with the real SDK client over
 * HTTP: SigV4 checked, every call authorised by the reader role's identity policy
 * (iam-simulate), pagination as AWS does it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { resolveTargetsFile } from '../../handlers/config/targets-file';
import { organizationReaderCredentials } from '../../scripts/local-aws/organizations-service';
import { type LocalEndpoint, startLocalEndpoint } from '../../scripts/run-local/local-endpoint';
import { parseTargetsArgs } from '../../scripts/targets/args';
import { generateTargets } from '../../scripts/targets/generate';

let endpoint: LocalEndpoint;
let dir: string;
let client: OrganizationsClient;

beforeAll(async () => {
  endpoint = await startLocalEndpoint({ reusePackaging: true, log: () => undefined });
  await endpoint.ready;
  client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: endpoint.aws.url,
    credentials: organizationReaderCredentials(endpoint.aws.world),
    maxAttempts: 1,
  });
}, 240_000);

afterAll(async () => {
  client?.destroy();
  await endpoint?.stop();
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-targets-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (file: string, ...flags: string[]) =>
  generateTargets(
    parseTargetsArgs(['--from-organization', '--out', file, '--regions', 'eu-west-1', ...flags]),
    client,
  );

describe('npm run targets --from-organization', () => {
  it('writes every active account, sorted, with OU regions inherited and the suspended account skipped', async () => {
    // Prepare
    const file = path.join(dir, 'local.json');

    // Act
    const result = await run(
      file,
      '--exclude-ou',
      'ou-a1b2-infra001',
      '--ou-regions',
      'ou-a1b2-prod0001=eu-west-1,eu-central-1',
      '--external-id-prefix',
      'xacct-ec2-local-',
    );

    // Assess
    const written = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const resolved = resolveTargetsFile(written, file);
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.problems));
    expect(resolved.value.organizationId).toBe('o-a1b2c3d4e5');
    expect(resolved.value.targets).toEqual([
      {
        accountId: '222222222222',
        externalId: 'xacct-ec2-local-222222222222',
        regions: ['eu-central-1', 'eu-west-1'],
      },
      {
        accountId: '333333333333',
        externalId: 'xacct-ec2-local-333333333333',
        regions: ['eu-central-1', 'eu-west-1'],
      },
      {
        accountId: '444444444444',
        externalId: 'xacct-ec2-local-444444444444',
        regions: ['eu-west-1'],
      },
      {
        accountId: '999999999999',
        externalId: 'xacct-ec2-local-999999999999',
        regions: ['eu-west-1'],
      },
    ]);
    expect(resolved.value.placement.get('333333333333')?.ouPath).toBe(
      'o-a1b2c3d4e5/r-a1b2/ou-a1b2-prod0001/ou-a1b2-prodeu01/',
    );
    expect(result.report).toContain('666666666666 (SUSPENDED)');
    expect(result.change.added).toHaveLength(4);
  });

  it('prints a small change on a second run, and refuses a run that drops too many accounts', async () => {
    // Prepare
    const file = path.join(dir, 'local.json');
    await run(file);
    const before = await readFile(file, 'utf8');

    // Act
    const again = await run(file, '--exclude-account', '999999999999', '--max-drop', '25%');
    const afterOne = await readFile(file, 'utf8');
    const dropped = run(file, '--include-ou', 'ou-a1b2-sand0001');

    // Assess
    expect(again.change.removed).toEqual(['999999999999']);
    expect(again.report).toMatch(/5 → 4 accounts/);
    expect(afterOne).not.toBe(before);
    await expect(dropped).rejects.toThrow(/3 of the 4 accounts .* --force/);
    expect(await readFile(file, 'utf8')).toBe(afterOne);
  });

  it('writes the drop with --force, and nothing with --check', async () => {
    // Prepare
    const file = path.join(dir, 'local.json');
    await run(file);

    // Act
    const checked = await run(file, '--include-ou', 'ou-a1b2-sand0001', '--force', '--check');
    const unchanged = await readFile(file, 'utf8');
    const forced = await run(file, '--include-ou', 'ou-a1b2-sand0001', '--force');

    // Assess
    expect(checked.written).toBe(false);
    expect(resolveTargetsFile(JSON.parse(unchanged), file).ok).toBe(true);
    expect(forced.change.after).toBe(1);
    expect(await readFile(file, 'utf8')).toContain('444444444444');
  });

  it('names an OU that is not in the organization', async () => {
    // Act
    const typo = run(path.join(dir, 'x.json'), '--include-ou', 'ou-a1b2-nothere1');

    // Assess
    await expect(typo).rejects.toThrow(/not in organization o-a1b2c3d4e5: OU ou-a1b2-nothere1/);
  });

  it('refuses a caller whose identity policy does not allow Organizations, and an unsigned one', async () => {
    // Prepare: the home execution role's session may assume roles, not read the organization
    const home = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: endpoint.aws.url,
      credentials: endpoint.aws.homeCredentials,
      maxAttempts: 1,
    });
    const forged = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: endpoint.aws.url,
      credentials: { accessKeyId: 'ASIAFORGED', secretAccessKey: 'x', sessionToken: 'y' },
      maxAttempts: 1,
    });

    // Act
    const denied = home.send(new ListRootsCommand({}));
    const unknown = forged.send(new ListRootsCommand({}));

    // Assess
    await expect(denied).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(unknown).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    home.destroy();
    forged.destroy();
  });

  it('refuses to overwrite a file that is not a targets file', async () => {
    // Prepare
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"version": 1, "accounts": []}');

    // Act
    const overwrite = run(file);

    // Assess
    await expect(overwrite).rejects.toThrow(/exists but is not a valid targets file/);
  });
});
