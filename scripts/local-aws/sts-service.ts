import type { ActionDefinition } from './service-context';
import { assumeRole } from './sts-assume-role';
import { getCallerIdentity } from './sts-get-caller-identity';

/** The STS actions the endpoint speaks, with their Query parameters in API 2011-06-15. */
export const STS_ACTIONS: Readonly<Record<string, ActionDefinition>> = {
  AssumeRole: {
    handler: assumeRole,
    parameters: [
      'RoleArn',
      'RoleSessionName',
      'PolicyArns.member.N.arn',
      'Policy',
      'DurationSeconds',
      'Tags.member.N.Key',
      'Tags.member.N.Value',
      'TransitiveTagKeys.member.N',
      'ExternalId',
      'SerialNumber',
      'TokenCode',
      'SourceIdentity',
      'ProvidedContexts.member.N.ProviderArn',
      'ProvidedContexts.member.N.ContextAssertion',
    ],
  },
  GetCallerIdentity: { handler: getCallerIdentity, parameters: [] },
};
