/**
 * The Step Functions engine as the bench's `sls package` wrote it: the state machine definition
 * read out of the packaged CloudFormation (scripts/shared/stack/packaged-definition.ts, not a copy)
 * and the four functions the definition's Task states call, each its packaged bundle with its
 * memory, timeout and environment from the template. The definition does not depend on the
 * targets (they ride in each bundle's config line), so one package serves every fleet size.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  ENGINE_FUNCTIONS,
  ENGINE_STATE_MACHINE_ID,
} from '../../resources/home-stack/engine/state-machine';
import type { CfnTemplate } from '../shared/stack/package-stage';
import { packagedEngineDefinition } from '../shared/stack/packaged-definition';
import type { EngineFunction, EngineRole } from './drivers/engine-workers';
import { extractZip } from './extract-zip';
import type { Packaged } from './sls-package';

/** serverless.yml provider defaults, when a function sets none. */
const DEFAULT_MEMORY_MB = 256;
const DEFAULT_TIMEOUT_S = 6;

export interface EngineArtifacts {
  definition: Record<string, unknown>;
  /** sha256 of the packaged DefinitionString, so a report can name the definition it ran. */
  definitionDigest: string;
  functions: Record<EngineRole, EngineFunction>;
  /** Every engine function's environment, merged (they agree on every shared name). */
  environment: Record<string, string>;
}

const LOGICAL_IDS: Record<EngineRole, string> = {
  plan: ENGINE_FUNCTIONS.Plan,
  work: ENGINE_FUNCTIONS.Work,
  recheck: ENGINE_FUNCTIONS.RecheckBatch,
  summarise: ENGINE_FUNCTIONS.SummariseAct,
};

export async function engineArtifacts(packaged: Packaged, dir: string): Promise<EngineArtifacts> {
  const template = packaged.template as CfnTemplate;
  const functions = {} as Record<EngineRole, EngineFunction>;
  const environment: Record<string, string> = {};
  for (const [role, logicalId] of Object.entries(LOGICAL_IDS) as Array<[EngineRole, string]>) {
    const props = template.Resources[logicalId]?.Properties as
      | {
          Handler: string;
          FunctionName: string;
          MemorySize?: number;
          Timeout?: number;
          Code: { S3Key: string };
          Environment?: { Variables?: Record<string, string> };
        }
      | undefined;
    if (!props) throw new Error(`the packaged template has no ${logicalId}`);
    const zip = path.basename(props.Code.S3Key);
    const extracted = path.join(dir, path.basename(zip, '.zip'));
    const js = `${props.Handler.slice(0, props.Handler.lastIndexOf('.'))}.js`;
    const entries = await extractZip(path.join(packaged.dir, zip), extracted);
    if (!entries.some((e) => e.name === js)) throw new Error(`${zip} holds no ${js}`);
    for (const [name, value] of Object.entries(props.Environment?.Variables ?? {})) {
      const seen = environment[name];
      if (seen !== undefined && seen !== String(value)) {
        throw new Error(`engine functions disagree on ${name} (${seen} / ${value})`);
      }
      environment[name] = String(value);
    }
    functions[role] = {
      bundlePath: path.join(extracted, js),
      functionName: props.FunctionName,
      memoryMb: props.MemorySize ?? DEFAULT_MEMORY_MB,
      timeoutMs: (props.Timeout ?? DEFAULT_TIMEOUT_S) * 1000,
    };
  }
  const machine = template.Resources[ENGINE_STATE_MACHINE_ID]?.Properties as
    | { DefinitionString?: unknown }
    | undefined;
  return {
    definition: packagedEngineDefinition(template),
    definitionDigest: createHash('sha256')
      .update(JSON.stringify(machine?.DefinitionString ?? null))
      .digest('hex')
      .slice(0, 16),
    functions,
    environment,
  };
}
