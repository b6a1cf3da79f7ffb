import { describeInstances } from './ec2-describe-instances';
import { startInstances } from './ec2-start-instances';
import { stopInstances } from './ec2-stop-instances';
import { authorizeInstanceAction, authorizeTagAction } from './ec2-unmodelled-actions';
import type { ActionDefinition } from './service-context';

/**
 * The EC2 actions the endpoint speaks, with the Query parameters of each in API 2016-11-15 (the
 * SDK's instanceRunning / instanceStopped waiters poll DescribeInstances only). Terminate,
 * Reboot and the tag actions are authorised like any other, so a role that was never granted
 * them is refused as AWS would refuse it; anything else is InvalidAction.
 */
export const EC2_ACTIONS: Readonly<Record<string, ActionDefinition>> = {
  DescribeInstances: {
    handler: describeInstances,
    parameters: [
      'InstanceId.N',
      'Filter.N.Name',
      'Filter.N.Value.M',
      'MaxResults',
      'NextToken',
      'DryRun',
      'IncludeManagedResources',
    ],
    booleans: ['DryRun', 'IncludeManagedResources'],
  },
  StartInstances: {
    handler: startInstances,
    parameters: ['InstanceId.N', 'AdditionalInfo', 'DryRun'],
    booleans: ['DryRun'],
  },
  StopInstances: {
    handler: stopInstances,
    parameters: ['InstanceId.N', 'Hibernate', 'SkipOsShutdown', 'DryRun', 'Force'],
    booleans: ['Hibernate', 'SkipOsShutdown', 'DryRun', 'Force'],
  },
  TerminateInstances: {
    handler: authorizeInstanceAction('TerminateInstances'),
    parameters: ['InstanceId.N', 'Force', 'SkipOsShutdown', 'DryRun'],
    booleans: ['Force', 'SkipOsShutdown', 'DryRun'],
  },
  RebootInstances: {
    handler: authorizeInstanceAction('RebootInstances'),
    parameters: ['InstanceId.N', 'DryRun'],
    booleans: ['DryRun'],
  },
  CreateTags: {
    handler: authorizeTagAction('CreateTags'),
    parameters: ['ResourceId.N', 'Tag.N.Key', 'Tag.N.Value', 'DryRun'],
    booleans: ['DryRun'],
  },
  DeleteTags: {
    handler: authorizeTagAction('DeleteTags'),
    parameters: ['ResourceId.N', 'Tag.N.Key', 'Tag.N.Value', 'DryRun'],
    booleans: ['DryRun'],
  },
};
