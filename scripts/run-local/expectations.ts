/**
 * What the seed world says a run of the `local` stage must show, so `npm start` can tell "the
 * demo's failures happened as designed" from "the flow broke". These are expectations about
 * the world, read from the seed's role parameters; the decisions themselves are the policy
 * authorizer's, evaluated on the deployed documents.
 */
import type { RuntimeConfig } from '../../handlers/config/stage-config';
import type { RunResult } from '../../handlers/core/results';
import type { Seed } from '../local-aws';

export interface WorldExpectations {
  /** Target accounts whose AssumeRole must be refused, with why (from the seed). */
  refusedAccounts: Map<string, string>;
  /** Instances whose start must fall back to stopped: where they are, and why. */
  startFallsBack: Map<string, { accountId: string; region: string; why: string }>;
}

export function expectationsFor(seed: Seed, config: RuntimeConfig): WorldExpectations {
  const refusedAccounts = new Map<string, string>();
  const startFallsBack: WorldExpectations['startFallsBack'] = new Map();
  const home = seed.home;
  const homeOrg = seed.accounts.find((a) => a.accountId === home.accountId)?.organizationId;
  for (const target of config.targets) {
    const account = seed.accounts.find((a) => a.accountId === target.accountId);
    const role = account?.roles.find((r) => r.name === config.targetRoleName);
    const p = role?.parameters;
    if (!account || !role || !p) {
      const others = (account?.roles ?? []).filter((r) => r.parameters).map((r) => r.name);
      refusedAccounts.set(
        target.accountId,
        `no role ${config.targetRoleName} was deployed there${others.length > 0 ? ` (only ${others.join(', ')}, another stage's)` : ''}`,
      );
      continue;
    }
    if (p.HomeAccountId !== home.accountId || p.ExecutionRoleName !== home.executionRoleName) {
      refusedAccounts.set(
        target.accountId,
        `its role trusts ${p.ExecutionRoleName} in ${p.HomeAccountId}, not ${home.executionRoleName}`,
      );
    } else if (p.ExternalId && p.ExternalId !== target.externalId) {
      refusedAccounts.set(target.accountId, 'its role requires another ExternalId');
    } else if (p.OrganizationId && p.OrganizationId !== homeOrg) {
      refusedAccounts.set(target.accountId, `its role requires Organization ${p.OrganizationId}`);
    }
    for (const [region, { instances }] of Object.entries(account.regions)) {
      for (const instance of instances) {
        if (instance.ebsKmsKeyArn && !p.KmsKeyArns.includes(instance.ebsKmsKeyArn)) {
          startFallsBack.set(instance.instanceId, {
            accountId: target.accountId,
            region,
            why: 'its volumes use a KMS key the role may not create grants on',
          });
        }
      }
    }
  }
  return { refusedAccounts, startFallsBack };
}

/** Everything in a run that departs from the expectations (empty: as designed). */
export function surprisesIn(run: RunResult, expected: WorldExpectations): string[] {
  const surprises: string[] = [];
  for (const target of run.targets) {
    const where = `${target.accountId} ${target.region}`;
    const refusal = expected.refusedAccounts.get(target.accountId);
    if (refusal) {
      if (target.status !== 'failed' || target.error?.code !== 'AccessDenied') {
        surprises.push(
          `${where}: expected AccessDenied (${refusal}), got ${target.status}${target.error ? ` ${target.error.code}` : ''}`,
        );
      }
      continue;
    }
    if (target.status !== 'ok') {
      surprises.push(
        `${where}: expected to be worked on, but ${target.status}: ${target.error?.message ?? target.reason ?? ''}`,
      );
      continue;
    }
    for (const instance of target.resources) {
      const fallsBack =
        run.action === 'start' && !run.dryRun && expected.startFallsBack.has(instance.id);
      if (
        instance.outcome === 'failed' &&
        !(fallsBack && instance.code === 'Client.InternalError')
      ) {
        surprises.push(
          `${where} ${instance.id}: unexpected failure: ${instance.reason ?? instance.code ?? ''}`,
        );
      }
      if (fallsBack && instance.outcome !== 'failed') {
        surprises.push(
          `${where} ${instance.id}: expected its start to fall back (${expected.startFallsBack.get(instance.id)?.why}), but it was ${instance.outcome}`,
        );
      }
    }
  }
  if (run.action === 'start' && !run.dryRun) {
    for (const [instanceId, where] of expected.startFallsBack) {
      const target = run.targets.find(
        (t) => t.accountId === where.accountId && t.region === where.region && t.status === 'ok',
      );
      if (target && !target.resources.some((i) => i.id === instanceId)) {
        surprises.push(
          `${where.accountId} ${where.region} ${instanceId}: expected its start to fall back (${where.why}), but the run did not report it`,
        );
      }
    }
  }
  return surprises;
}
