import { authorizeEachInstance } from './ec2-authorize';
import { ec2Errors } from './ec2-errors';
import { resolveInstanceIds } from './ec2-instance-ids';
import type { ActionHandler } from './service-context';

/**
 * Actions the shipped target role is never granted. They are read and authorised exactly like
 * Start/Stop (IDs, then the Authorizer on every instance, then DryRun), so the refusal a client
 * sees is the policy's: UnauthorizedOperation. Should some other policy allow one, the endpoint
 * says plainly that it does not carry it out, rather than pretending to.
 */
export function authorizeInstanceAction(
  action: 'TerminateInstances' | 'RebootInstances',
): ActionHandler {
  return async (context, { caller, params }) => {
    const ids = params.list('InstanceId');
    if (ids.length === 0) throw ec2Errors.missingParameter('InstanceId');
    const instances = resolveInstanceIds(context.world, caller, ids);
    await authorizeEachInstance(context, caller, `ec2:${action}`, instances);
    if (params.bool('DryRun')) throw ec2Errors.dryRunOperation();
    throw ec2Errors.notCarriedOut(`ec2:${action}`);
  };
}

/** CreateTags / DeleteTags on instances (the only resources this endpoint holds). */
export function authorizeTagAction(action: 'CreateTags' | 'DeleteTags'): ActionHandler {
  return async (context, { caller, params }) => {
    const ids = params.list('ResourceId');
    if (ids.length === 0) throw ec2Errors.missingParameter('ResourceId');
    if (action === 'CreateTags' && params.tags('Tag').length === 0) {
      throw ec2Errors.missingParameter('Tag');
    }
    const notInstance = ids.find((id) => !id.startsWith('i-'));
    if (notInstance !== undefined) throw ec2Errors.invalidId(notInstance);
    const instances = resolveInstanceIds(context.world, caller, ids);
    await authorizeEachInstance(
      context,
      caller,
      `ec2:${action}`,
      instances,
      requestTagContext(params.tags('Tag')),
    );
    if (params.bool('DryRun')) throw ec2Errors.dryRunOperation();
    throw ec2Errors.notCarriedOut(`ec2:${action}`);
  };
}

/** What IAM sees of the tags a request sets or removes: aws:TagKeys and aws:RequestTag/<key>. */
function requestTagContext(
  tags: ReadonlyArray<{ key: string; value?: string }>,
): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  if (tags.length > 0) context['aws:TagKeys'] = tags.map((tag) => tag.key);
  for (const tag of tags) {
    if (tag.value !== undefined) context[`aws:RequestTag/${tag.key}`] = tag.value;
  }
  return context;
}
