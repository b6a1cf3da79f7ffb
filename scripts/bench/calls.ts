/**
 * 3. AWS calls on the happy path (stop everything), counted by the endpoint, next to the lower
 * bound: one AssumeRole per account, one DescribeInstances per (account, region) per 1,000
 * instances, one StopInstances per (account, region). Then a warm invocation in the same process
 * must not assume any role again.
 */

import type { Artifact } from './bundle';
import { startBenchEndpoint } from './endpoint';
import type { Figure } from './figure';
import { startHandler } from './handler-run';
import { accountsOf, type Shape, stageConfig } from './world';

const DESCRIBE_PAGE = 1000;

function exactly(id: string, label: string, value: number, bound: number): Figure {
  const ratio = value / bound;
  return {
    id,
    section: '3 AWS calls',
    label,
    value,
    unit: 'calls',
    reference: { label: 'lower bound', value: bound },
    ratio,
    goals: [{ text: 'ratio = 1.00', met: value === bound }],
  };
}

export async function measureCalls(artifact: Artifact, shape: Shape, concurrency: number) {
  const endpoint = await startBenchEndpoint(shape, { latencyMs: 0 });
  const handler = await startHandler(artifact, endpoint, stageConfig(shape, concurrency));
  try {
    const { aws } = endpoint;
    const cold = await handler.invoke({ action: 'stop' });
    const count = (action: string) => aws.calls.count({ action });
    const accounts = accountsOf(shape);
    const pages = Math.ceil(shape.instancesPerTarget / DESCRIBE_PAGE);
    const coldCalls = aws.calls.list();
    const assumed = count('AssumeRole');
    const where = `${accounts} accounts, ${shape.targets} targets × ${shape.instancesPerTarget} instances`;
    const figures: Figure[] = [
      exactly('calls.assumeRole', `AssumeRole (${where})`, assumed, accounts),
      exactly(
        'calls.describeInstances',
        'DescribeInstances',
        count('DescribeInstances'),
        shape.targets * pages,
      ),
      exactly('calls.stopInstances', 'StopInstances', count('StopInstances'), shape.targets),
    ];
    aws.calls.reset();
    const warm = await handler.invoke({ action: 'stop' });
    const warmAssumed = count('AssumeRole');
    figures.push({
      id: 'calls.warmAssumeRole',
      section: '3 AWS calls',
      label: 'AssumeRole on a warm second invocation',
      value: warmAssumed,
      unit: 'calls',
      reference: { label: 'cold invocation', value: assumed },
      goals: [{ text: '= 0', met: warmAssumed === 0 }],
    });
    return {
      figures,
      details: { shape, cold, warm, coldCalls, warmCalls: aws.calls.list() },
    };
  } finally {
    await handler.close();
    await endpoint.stop();
  }
}
