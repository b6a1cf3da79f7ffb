/**
 * A caller whose rule names no `tasks` may drive EC2 only. These requests try to reach the RDS task
 * by another shape of body: a task name with other case or spaces, in a list or an object, RDS
 * selector fields without a task, prototype keys, a repeated key. None may start an engine run
 * whose request the engine would read as an RDS request.
 */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { parseRequest } from '../../../handlers/contract/request';
import { handler } from '../../../handlers/http';
import { TEST_CONFIG } from '../../helpers/config';
import { aContext } from '../../helpers/context';
import { anHttpEvent } from '../../helpers/http-event';
import { pauseSwitch } from '../../helpers/pause-switch';

/** Named by `role/operators`, a rule without `tasks` (tests/helpers/config.ts). */
const OPERATOR = 'arn:aws:sts::111111111111:assumed-role/operators/alice';

const HOSTILE_BODIES: ReadonlyArray<[string, string]> = [
  ['task in upper case', '{"task":"RDS"}'],
  ['task with a leading space', '{"task":" rds"}'],
  ['task with a trailing space', '{"task":"rds "}'],
  ['task with a NUL', '{"task":"rds\\u0000"}'],
  ['task with a Cyrillic letter', '{"task":"rd\u0455"}'],
  ['task in a list', '{"task":["rds"]}'],
  ['task in an object', '{"task":{"name":"rds"}}'],
  ['task repeated, ec2 first', '{"task":"ec2","task":"rds"}'],
  ['RDS instance identifiers, no task', '{"dbInstanceIdentifiers":["orders-db"]}'],
  ['RDS cluster identifiers, no task', '{"dbClusterIdentifiers":["orders"]}'],
  ['onlyRestartedByAws, no task', '{"onlyRestartedByAws":true}'],
  ['task under __proto__', '{"__proto__":{"task":"rds"}}'],
  ['task under constructor', '{"constructor":{"prototype":{"task":"rds"}}}'],
  ['a rule field in the body', '{"tasks":["rds"]}'],
  ['a task with its selector under another key', '{"rds":{"dbInstanceIdentifiers":["orders-db"]}}'],
];

describe('Function: handler (http), an ec2-only caller trying to reach rds', () => {
  const sfnMock = mockClient(SFNClient);
  const stageSwitch = pauseSwitch(sfnMock);

  beforeEach(() => {
    stageSwitch.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
  });

  it.each(HOSTILE_BODIES)('starts no rds run for %s', async (_name, body) => {
    // Prepare
    const event = anHttpEvent('stop', body);
    event.requestContext.authorizer.iam.userArn = OPERATOR;

    // Act
    const response = (await handler(event, aContext())) as APIGatewayProxyStructuredResultV2;

    // Assess: refused, or started as an ec2 run (the engine parses the same input again).
    const started = sfnMock.commandCalls(StartExecutionCommand);
    if (response.statusCode === 202) {
      expect(started).toHaveLength(1);
      const input = JSON.parse(started[0]?.args[0].input.input ?? '{}');
      const reparsed = parseRequest(input.request, TEST_CONFIG);
      expect(reparsed.ok && (reparsed.value.task ?? 'ec2')).toBe('ec2');
    } else {
      expect([400, 403]).toContain(response.statusCode);
      expect(started).toHaveLength(0);
    }
  });
});
