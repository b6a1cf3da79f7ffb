/**
 * Runs the checks the field trusts over one CloudFormation template: cdk-nag's AwsSolutions
 * pack (loaded through aws-cdk-lib's CfnInclude, which reads any template) and CloudFormation's
 * own offline validation (the engine aws-cdk-lib ships as CloudFormationValidatePlugin). It
 * returns every finding, acknowledged or not: nag-findings.ts decides which ones are.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  App,
  CloudFormationValidatePlugin,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  Stack,
} from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks } from 'cdk-nag';

export type LintPack = 'AwsSolutions' | 'CloudFormation';

export interface Finding {
  pack: LintPack;
  /** The rule as the pack names it, e.g. `AwsSolutions-IAM5[Resource::*]` or `E3510`. */
  rule: string;
  /** The template's logical ID, or `(template)` for a finding about the whole template. */
  resource: string;
  reason: string;
  severity: string;
}

export interface LintTemplateOptions {
  /** The account and region the template deploys to (CloudFormation resolves pseudo parameters). */
  accountId: string;
  region: string;
}

/** Construct IDs of the wrapper stacks; a resource's construct path is `Lint<n>/Template/<id>`. */
const STACK_ID = 'Lint';
const INCLUDE_ID = 'Template';

// One engine per process: building it compiles every rule, and it can validate many templates.
let cloudFormation: CloudFormationValidatePlugin | undefined;

function logicalIdOf(resource: { resourceLogicalId?: string; constructPath?: string }): string {
  if (resource.resourceLogicalId) return resource.resourceLogicalId;
  const parts = (resource.constructPath ?? '').split('/');
  return parts.length > 2 && parts[1] === INCLUDE_ID ? parts.slice(2).join('/') : '(template)';
}

/** The report's findings, only those of one template when `templatePath` is given. */
function findingsOf(
  pack: LintPack,
  report: PolicyValidationPluginReport,
  templatePath?: string,
): Finding[] {
  return report.violations.flatMap((violation) =>
    violation.violatingResources
      .filter((resource) => !templatePath || resource.templatePath === templatePath)
      .map((resource) => ({
        pack,
        rule: violation.ruleName,
        resource: logicalIdOf(resource),
        reason: violation.description.trim(),
        severity: violation.severity ?? 'error',
      })),
  );
}

export interface LintInput extends LintTemplateOptions {
  /** Long-form JSON (no YAML short tags). */
  template: object;
}

/**
 * Lints templates and returns every finding of each, in order. CloudFormation validates all of
 * them in one call: its engine is built once for the resource types of the whole batch.
 */
export async function lintTemplates(
  inputs: readonly LintInput[],
  /** `awsSolutionsOnly` leaves CloudFormation out: its engine takes seconds to build. */
  options: { awsSolutionsOnly?: boolean } = {},
): Promise<Finding[][]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xacct-ec2-lint-'));
  try {
    const app = new App({ outdir: path.join(dir, 'cdk.out') });
    const stacks = await Promise.all(
      inputs.map(async (input, i) => {
        const templatePath = path.join(dir, `template-${i}.json`);
        await writeFile(templatePath, JSON.stringify(input.template));
        const stack = new Stack(app, `${STACK_ID}${i}`);
        new CfnInclude(stack, INCLUDE_ID, { templateFile: templatePath });
        return {
          stackConstructPath: stack.node.path,
          templatePath,
          accountId: input.accountId,
          region: input.region,
          awsSolutions: findingsOf('AwsSolutions', new AwsSolutionsChecks().validateScope(stack)),
        };
      }),
    );
    if (options.awsSolutionsOnly || stacks.length === 0) return stacks.map((s) => s.awsSolutions);
    cloudFormation ??= new CloudFormationValidatePlugin();
    const context: IPolicyValidationContext = {
      appConstruct: app,
      templatePaths: stacks.map((s) => s.templatePath),
      stackTemplates: stacks.map(({ awsSolutions: _, ...stack }) => stack),
    };
    const report = cloudFormation.validate(context);
    return stacks.map((stack) => [
      ...stack.awsSolutions,
      ...findingsOf('CloudFormation', report, stack.templatePath),
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
