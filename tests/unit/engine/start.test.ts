import {
  ExecutionAlreadyExists,
  InvalidName,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  executionName,
  InvalidScheduledTimeError,
  MAX_EXECUTION_NAME,
} from '../../../handlers/engine/execution-name';
import { stepFunctionsStarter } from '../../../handlers/engine/sfn-executions';
import {
  ExecutionAlreadyExistsError,
  type ExecutionStarter,
  startScheduledRun,
} from '../../../handlers/engine/start-run';

const ARN = 'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-test-engine';

describe('Engine: execution names', () => {
  it('names a run after its schedule and scheduled time, without characters Step Functions refuses', () => {
    // Act / Assess
    expect(executionName('weekday-evening-stop', '2026-12-01T18:00:00Z')).toBe(
      'weekday-evening-stop-20261201T180000Z',
    );
    expect(executionName('ops: nightly/stop', '2026-12-01T18:00:00.000Z')).toBe(
      'ops--nightly-stop-20261201T180000Z',
    );
  });

  it('keeps a long schedule name within 80 characters, the time intact', () => {
    // Act
    const name = executionName('x'.repeat(120), '2027-03-14T06:30:00Z');

    // Assess
    expect(name).toHaveLength(MAX_EXECUTION_NAME);
    expect(name.endsWith('-20270314T063000Z')).toBe(true);
  });

  it('refuses a scheduled time that is not an ISO UTC time, naming the field', () => {
    // Act / Assess
    expect(() => executionName('s', '<aws.scheduler.scheduled-time>')).toThrow(
      InvalidScheduledTimeError,
    );
    expect(() => executionName('s', undefined)).toThrow(
      /^scheduledTime is undefined; expected an ISO 8601 UTC time/,
    );
  });
});

describe('Engine: starting a scheduled run', () => {
  it('starts once per scheduled time: a duplicate delivery finds the name taken and is not run again', async () => {
    // Prepare: a starter that refuses a name it has seen, as Step Functions does
    const names: string[] = [];
    const starter: ExecutionStarter = {
      async startExecution({ name }) {
        if (names.includes(name)) throw new ExecutionAlreadyExistsError(name);
        names.push(name);
        return { executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:${name}` };
      },
    };
    const delivery = {
      schedule: 'weekday-evening-stop',
      scheduledTime: '2026-12-01T18:00:00Z',
      request: { action: 'stop' },
    };

    // Act
    const first = await startScheduledRun(starter, ARN, delivery);
    const again = await startScheduledRun(starter, ARN, delivery);
    const nextDay = await startScheduledRun(starter, ARN, {
      ...delivery,
      scheduledTime: '2026-12-02T18:00:00Z',
    });

    // Assess
    expect(first).toMatchObject({ started: true, name: 'weekday-evening-stop-20261201T180000Z' });
    expect(again).toEqual({
      started: false,
      name: 'weekday-evening-stop-20261201T180000Z',
      duplicate: true,
    });
    expect(nextDay.started).toBe(true);
    expect(names).toHaveLength(2);
  });
});

describe('Engine: StartExecution through the SDK', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => sfn.reset());
  const starter = () => stepFunctionsStarter(new SFNClient({ region: 'eu-west-1' }));

  it('sends the name, state machine and input, and reads the execution ARN', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({
      executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:n-20261201T180000Z`,
      startDate: new Date(),
    });

    // Act
    const out = await starter().startExecution({
      stateMachineArn: ARN,
      name: 'n-20261201T180000Z',
      input: '{}',
    });

    // Assess
    expect(out.executionArn).toMatch(/:execution:xacct-ec2-test-engine:n-20261201T180000Z$/);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: ARN,
      name: 'n-20261201T180000Z',
      input: '{}',
    });
  });

  it('turns ExecutionAlreadyExists into its own error, and passes any other refusal on', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(
        new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }),
      )
      .rejectsOnce(new InvalidName({ message: 'Invalid Name', $metadata: {} }));
    const start = () =>
      starter()
        .startExecution({ stateMachineArn: ARN, name: 'n', input: '{}' })
        .catch((e: unknown) => e);

    // Act
    const duplicate = await start();
    const other = await start();

    // Assess
    expect(duplicate).toBeInstanceOf(ExecutionAlreadyExistsError);
    expect(duplicate).toMatchObject({ executionName: 'n' });
    expect(other).toBeInstanceOf(InvalidName);
  });
});
