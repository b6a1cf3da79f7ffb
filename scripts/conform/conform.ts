/**
 * Runs every check on one subject: CloudFormation registry schemas and references, AWS name
 * rules, Amazon States Language, IAM, and the service integrations against aws-cdk-lib.
 */
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { checkAsl } from './asl';
import { checkCfnReferences } from './cfn-references';
import { checkCfnSchema } from './cfn-schema';
import type { Finding } from './finding';
import { checkPolicy, policyDocumentsIn } from './iam';
import { checkIntegrations } from './integrations';
import { checkNames } from './names';
import { isParameterToken, resolveTemplate } from './resolve';
import type { Subject } from './subject';

export async function conformSubject(subject: Subject, db: SpecDatabase): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (subject.policy) {
    findings.push(
      ...(await checkPolicy(
        { where: 'policy', document: subject.policy },
        { subject: subject.name },
      )),
    );
  }
  const template = subject.template;
  if (!template) return findings;
  findings.push(...checkCfnSchema(subject, db), ...checkCfnReferences(subject, db));
  const containsParameter = (value: string) => value.includes('PARAM-');
  for (const resolved of resolveTemplate(subject, db)) {
    const label =
      resolved.conditions === 'as-given'
        ? subject.name
        : `${subject.name} [conditions ${resolved.conditions}]`;
    for (const failure of resolved.failures) {
      findings.push({
        category: 'cfn-reference',
        subject: label,
        where: failure.logicalId,
        message: `cannot be resolved: ${failure.message}`,
      });
    }
    findings.push(...checkNames(label, resolved.template, containsParameter, subject.region));
    findings.push(...checkAsl(label, resolved.template));
    for (const policy of policyDocumentsIn(resolved.template.Resources)) {
      findings.push(
        ...(await checkPolicy(policy, {
          subject: label,
          isOpaqueResource: (resource) => isParameterToken(template, resource),
        })),
      );
    }
    findings.push(...checkIntegrations(label, resolved.template, db, subject.region));
  }
  return dedupe(findings);
}

/** All-true and all-false evaluations often agree: report a finding once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.category}\0${f.subject.replace(/ \[conditions .*\]$/, '')}\0${f.where}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
