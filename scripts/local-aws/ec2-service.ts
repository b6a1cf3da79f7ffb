import { describeInstances } from './ec2-describe-instances';
import { startInstances } from './ec2-start-instances';
import { stopInstances } from './ec2-stop-instances';
import type { ActionHandler } from './service-context';

/**
 * The EC2 actions the endpoint speaks (the SDK's instanceRunning / instanceStopped waiters poll
 * DescribeInstances only); anything else is InvalidAction.
 */
export const EC2_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  DescribeInstances: describeInstances,
  StartInstances: startInstances,
  StopInstances: stopInstances,
};
