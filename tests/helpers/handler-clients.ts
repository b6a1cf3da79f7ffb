/**
 * The AWS clients a suite that drives the entry points (instances, http, the engine) mocks:
 * EC2 in the targets, Step Functions (the pause switch running, StartExecution as the suite
 * sets it), and an EventBridge that accepts every signal. Each test starts from them reset;
 * the suite then adds its own answers in its own beforeEach.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { acceptingEventBridge } from './event-bridge';
import { pauseSwitch } from './pause-switch';

export function mockHandlerClients() {
  const ec2 = mockClient(EC2Client);
  const sfn = mockClient(SFNClient);
  const stage = pauseSwitch(sfn);
  const eventBridge = acceptingEventBridge();
  beforeEach(() => {
    ec2.reset();
    stage.reset();
    eventBridge.reset();
  });
  return { ec2, sfn, stage, eventBridge };
}
