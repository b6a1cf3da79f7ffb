import {
  CreateTagsCommand,
  DeleteTagsCommand,
  RebootInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { TemporaryCredentials } from '../../scripts/local-aws';
import { type Fixture, failureOf, startFixture } from './local-aws-fixture';

const MANAGED_RUNNING = 'i-0222a000000000001';

/**
 * Terminate, Reboot and the tag actions are read and authorised but never carried out. With an
 * Authorizer that allows everything, the endpoint must say so plainly instead of pretending.
 */
describe('local-aws: actions that are authorised but not carried out', () => {
  let fixture: Fixture;
  let target: TemporaryCredentials;

  beforeEach(async () => {
    fixture = await startFixture({ rules: { ec2: () => true } });
    target = await fixture.assume('222222222222');
  });

  afterEach(async () => {
    await fixture.stop();
  });

  it('answers an allowed terminate with UnsupportedOperation (400) and leaves the instance running', async () => {
    // Act
    const error = await failureOf(
      fixture.ec2(target).send(new TerminateInstancesCommand({ InstanceIds: [MANAGED_RUNNING] })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['UnsupportedOperation', 400]);
    expect(error.message).toContain('does not carry it out');
    expect(fixture.aws.world.instance(MANAGED_RUNNING)?.state).toBe('running');
  });

  it('answers an allowed DryRun reboot with DryRunOperation, after asking the Authorizer', async () => {
    // Act
    const error = await failureOf(
      fixture
        .ec2(target)
        .send(new RebootInstancesCommand({ InstanceIds: [MANAGED_RUNNING], DryRun: true })),
    );

    // Assess
    expect(error.name).toBe('DryRunOperation');
    expect(fixture.authorizer.ec2Checks.map((check) => check.action)).toEqual([
      'ec2:RebootInstances',
    ]);
  });

  it('asks the Authorizer about every tagged instance with the tag action', async () => {
    // Act
    await failureOf(
      fixture.ec2(target).send(
        new DeleteTagsCommand({
          Resources: [MANAGED_RUNNING, 'i-0222a000000000002'],
          Tags: [{ Key: 'xacct-ec2:managed' }],
        }),
      ),
    );

    // Assess
    expect(fixture.authorizer.ec2Checks.map((check) => [check.action, check.resourceArn])).toEqual([
      ['ec2:DeleteTags', `arn:aws:ec2:eu-west-1:222222222222:instance/${MANAGED_RUNNING}`],
      ['ec2:DeleteTags', 'arn:aws:ec2:eu-west-1:222222222222:instance/i-0222a000000000002'],
    ]);
  });

  it('gives an Authorizer with request context the tags being set (aws:RequestTag/*, aws:TagKeys)', async () => {
    // Prepare
    const contextual = await startFixture({
      rules: { request: (check) => check.context?.['aws:RequestTag/owner'] === 'team-a' },
    });
    const credentials = await contextual.assume('222222222222');
    const tag = (value: string) =>
      failureOf(
        contextual.ec2(credentials).send(
          new CreateTagsCommand({
            Resources: [MANAGED_RUNNING],
            Tags: [{ Key: 'owner', Value: value }],
          }),
        ),
      );

    // Act
    const allowed = await tag('team-a');
    const refused = await tag('team-b').finally(() => contextual.stop());

    // Assess
    expect([allowed.name, refused.name]).toEqual(['UnsupportedOperation', 'UnauthorizedOperation']);
    expect(contextual.authorizer.requestChecks[0]).toMatchObject({
      action: 'ec2:CreateTags',
      resourceArn: `arn:aws:ec2:eu-west-1:222222222222:instance/${MANAGED_RUNNING}`,
      resourceTags: { 'xacct-ec2:managed': 'local' },
      context: { 'aws:TagKeys': ['owner'], 'aws:RequestTag/owner': 'team-a' },
    });
  });

  it('refuses CreateTags without tags (MissingParameter) and on a resource it does not hold (InvalidID)', async () => {
    // Act
    const noTags = await failureOf(
      fixture.ec2(target).send(new CreateTagsCommand({ Resources: [MANAGED_RUNNING], Tags: [] })),
    );
    const volume = await failureOf(
      fixture.ec2(target).send(
        new CreateTagsCommand({
          Resources: ['vol-0123456789abcdef0'],
          Tags: [{ Key: 'k', Value: 'v' }],
        }),
      ),
    );

    // Assess
    expect([noTags.name, noTags.message]).toEqual([
      'MissingParameter',
      'The request must contain the parameter Tag',
    ]);
    expect([volume.name, volume.$metadata.httpStatusCode]).toEqual(['InvalidID', 400]);
    expect(fixture.authorizer.ec2Checks).toEqual([]);
  });

  it('is refused by the default fake Authorizer, which, like the target role, grants start and stop only', async () => {
    // Prepare
    const strict = await startFixture();
    const credentials = await strict.assume('222222222222');

    // Act
    const error = await failureOf(
      strict
        .ec2(credentials)
        .send(new TerminateInstancesCommand({ InstanceIds: [MANAGED_RUNNING] })),
    ).finally(() => strict.stop());

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
  });

  it('checks instance IDs before asking the Authorizer (Malformed, NotFound)', async () => {
    // Act
    const malformed = await failureOf(
      fixture.ec2(target).send(new TerminateInstancesCommand({ InstanceIds: ['i-nothex'] })),
    );
    const missing = await failureOf(
      fixture
        .ec2(target)
        .send(new TerminateInstancesCommand({ InstanceIds: ['i-0222a0000000000ff'] })),
    );

    // Assess
    expect([malformed.name, missing.name]).toEqual([
      'InvalidInstanceID.Malformed',
      'InvalidInstanceID.NotFound',
    ]);
    expect(fixture.authorizer.ec2Checks).toEqual([]);
  });
});
