import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type Instance,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import type { TemporaryCredentials } from '../../scripts/local-aws';
import { type Fixture, failureOf, startFixture } from './local-aws-fixture';

const MANAGED = { Name: 'tag:xacct-ec2:managed', Values: ['local'] };

function idsOf(reservations: Array<{ Instances?: Instance[] }> | undefined): string[] {
  return (reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? '');
}

describe('local-aws: EC2 DescribeInstances', () => {
  let fixture: Fixture;
  let target: TemporaryCredentials;
  let ec2: EC2Client;

  beforeEach(async () => {
    fixture = await startFixture();
    target = await fixture.assume('222222222222');
    ec2 = fixture.ec2(target);
  });

  afterEach(async () => {
    await fixture.stop();
  });

  const describe222 = async (input: DescribeInstancesCommandInput) =>
    idsOf((await ec2.send(new DescribeInstancesCommand(input))).Reservations);

  describe('the signing credentials decide the account', () => {
    it('shows the home account to a caller that forgot to use the assumed credentials', async () => {
      // Act
      const seenWithHome = idsOf(
        (await fixture.ec2(fixture.aws.homeCredentials).send(new DescribeInstancesCommand({})))
          .Reservations,
      );
      const seenWithTarget = await describe222({});

      // Assess
      expect(seenWithHome).toEqual(['i-0111a000000000001', 'i-0111a000000000002']);
      expect(seenWithTarget).toContain('i-0222a000000000001');
      expect(seenWithTarget).not.toContain('i-0111a000000000001');
    });

    it('does not find another account’s instance by ID', async () => {
      // Act
      const error = await failureOf(
        fixture
          .ec2(fixture.aws.homeCredentials)
          .send(new DescribeInstancesCommand({ InstanceIds: ['i-0222a000000000001'] })),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'InvalidInstanceID.NotFound',
        400,
        "The instance ID 'i-0222a000000000001' does not exist",
      ]);
    });

    it('shows the region the client signs for', async () => {
      // Act
      const seen = idsOf(
        (await fixture.ec2(target, 'us-east-1').send(new DescribeInstancesCommand({})))
          .Reservations,
      );

      // Assess
      expect(seen).toEqual(['i-0222b000000000001', 'i-0222b000000000002']);
    });
  });

  describe('filters', () => {
    it.each([
      [
        'tag:<key>',
        [MANAGED, { Name: 'instance-id', Values: ['i-0222a000000000004', 'i-0222a000000000001'] }],
        ['i-0222a000000000001'],
      ],
      [
        'instance-state-name',
        [MANAGED, { Name: 'instance-state-name', Values: ['stopped'] }],
        [
          'i-0222a000000000003',
          'i-0222a00000000000a',
          'i-0222a00000000000b',
          'i-0222a00000000000d',
        ],
      ],
      [
        'tag-key',
        [{ Name: 'tag-key', Values: ['aws:autoscaling:groupName'] }],
        ['i-0222a000000000007'],
      ],
      [
        'a wildcard value',
        [{ Name: 'tag:Name', Values: ['web-?'] }],
        ['i-0222a000000000001', 'i-0222a000000000002'],
      ],
      ['a value that matches nothing', [{ Name: 'tag:xacct-ec2:managed', Values: ['TRUE'] }], []],
    ])('selects by %s', async (_name, filters, expected) => {
      // Act
      const seen = await describe222({ Filters: filters });

      // Assess
      expect(seen).toEqual(expected);
    });

    it('refuses an unknown filter name', async () => {
      // Act
      const error = await failureOf(
        ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
      );

      // Assess
      expect([error.name, error.message]).toEqual([
        'InvalidParameterValue',
        "The filter 'colour' is invalid",
      ]);
    });

    it('refuses more than 200 filter values in one call, counted across filters', async () => {
      // Prepare
      const ids = Array.from({ length: 199 }, (_, n) => `i-${n.toString(16).padStart(17, '0')}`);

      // Act
      const error = await failureOf(
        ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: 'instance-id', Values: ids },
              { Name: 'instance-state-name', Values: ['running', 'stopped'] },
            ],
          }),
        ),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'FilterLimitExceeded',
        400,
        'The maximum number of filter values specified on a single call is 200',
      ]);
    });
  });

  describe('pagination', () => {
    it('pages through more instances than MaxResults with paginateDescribeInstances', async () => {
      // Prepare
      const pages: string[][] = [];

      // Act
      for await (const page of paginateDescribeInstances(
        { client: ec2, pageSize: 5 },
        { Filters: [MANAGED] },
      )) {
        pages.push(idsOf(page.Reservations));
      }

      // Assess
      expect(pages.map((page) => page.length)).toEqual([5, 5, 1]);
      expect(new Set(pages.flat()).size).toBe(11);
      expect(
        fixture.aws.calls.count({ accountId: '222222222222', action: 'DescribeInstances' }),
      ).toBe(3);
    });

    it.each([
      [
        '4',
        4,
        'Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5.',
      ],
      [
        '1001',
        1001,
        'Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than or equal to 1000.',
      ],
    ])('refuses MaxResults %s', async (_label, maxResults, message) => {
      // Act
      const error = await failureOf(
        ec2.send(new DescribeInstancesCommand({ MaxResults: maxResults })),
      );

      // Assess
      expect([error.name, error.message]).toEqual(['InvalidParameterValue', message]);
    });

    it('refuses MaxResults together with InstanceIds', async () => {
      // Act
      const error = await failureOf(
        ec2.send(
          new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: ['i-0222a000000000001'] }),
        ),
      );

      // Assess
      expect(error.name).toBe('InvalidParameterCombination');
    });

    it('refuses a NextToken it did not issue for this query', async () => {
      // Prepare
      const first = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));

      // Act
      const error = await failureOf(
        ec2.send(
          new DescribeInstancesCommand({
            MaxResults: 5,
            NextToken: first.NextToken,
            Filters: [MANAGED],
          }),
        ),
      );

      // Assess
      expect(error.name).toBe('InvalidPaginationToken');
    });
  });

  describe('instance IDs', () => {
    it('refuses a malformed ID before looking anything up', async () => {
      // Act
      const error = await failureOf(
        ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0222a000000000001', 'ma1'] })),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'InvalidInstanceID.Malformed',
        400,
        'Invalid id: "ma1"',
      ]);
    });

    it('names every unknown ID', async () => {
      // Act
      const error = await failureOf(
        ec2.send(
          new DescribeInstancesCommand({
            InstanceIds: ['i-0222a0000000000f1', 'i-0222a0000000000f2'],
          }),
        ),
      );

      // Assess
      expect(error.message).toBe(
        "The instance IDs 'i-0222a0000000000f1, i-0222a0000000000f2' do not exist",
      );
    });
  });

  it('reports the fields the handlers read, grouped by reservation', async () => {
    // Act
    const answer = await ec2.send(
      new DescribeInstancesCommand({
        InstanceIds: [
          'i-0222a000000000001',
          'i-0222a000000000002',
          'i-0222a000000000006',
          'i-0222a000000000003',
        ],
      }),
    );

    // Assess
    expect(
      answer.Reservations?.map((r) => [r.ReservationId, r.OwnerId, r.Instances?.length]),
    ).toEqual([
      ['r-0222a000000000a01', '222222222222', 2],
      ['r-0222a000000000003', '222222222222', 1],
      ['r-0222a000000000006', '222222222222', 1],
    ]);
    const stopped = answer.Reservations?.[1]?.Instances?.[0];
    expect(stopped).toMatchObject({
      InstanceId: 'i-0222a000000000003',
      State: { Code: 80, Name: 'stopped' },
      StateReason: {
        Code: 'Client.UserInitiatedShutdown',
        Message: 'Client.UserInitiatedShutdown: User initiated shutdown',
      },
      InstanceType: 't3.micro',
      Placement: { AvailabilityZone: 'eu-west-1a' },
      LaunchTime: new Date('2026-01-05T08:00:00.000Z'),
      HibernationOptions: { Configured: false },
      Tags: [
        { Key: 'Name', Value: 'batch-1' },
        { Key: 'xacct-ec2:managed', Value: 'local' },
      ],
    });
    expect(answer.Reservations?.[2]?.Instances?.[0]?.HibernationOptions?.Configured).toBe(true);
  });

  it('asks the Authorizer about ec2:DescribeInstances on * and honours DryRun', async () => {
    // Act
    const error = await failureOf(ec2.send(new DescribeInstancesCommand({ DryRun: true })));

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['DryRunOperation', 412]);
    expect(fixture.authorizer.ec2Checks.at(-1)).toMatchObject({
      action: 'ec2:DescribeInstances',
      resourceArn: '*',
      accountId: '222222222222',
      region: 'eu-west-1',
      callerRoleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-local-target',
    });
  });
});

describe('local-aws: EC2 DescribeInstances refused', () => {
  it('answers UnauthorizedOperation when the Authorizer refuses Describe', async () => {
    // Prepare
    const fixture = await startFixture({ rules: { ec2: () => false } });
    try {
      // Act
      const error = await failureOf(
        fixture.ec2(fixture.aws.homeCredentials).send(new DescribeInstancesCommand({})),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
      expect(error.message).toMatch(
        /^You are not authorized to perform this operation\. User: arn:aws:sts::111111111111:assumed-role\/xacct-ec2-local-eu-west-1-exec\/xacct-ec2-local-instances is not authorized to perform: ec2:DescribeInstances because no identity-based policy allows the ec2:DescribeInstances action\. Encoded authorization failure message: /,
      );
    } finally {
      await fixture.stop();
    }
  });
});
