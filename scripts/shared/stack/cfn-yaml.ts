/**
 * Reads CloudFormation YAML (and serverless.yml, which uses the same short tags) into the
 * long-form JSON shape (`!Sub x` -> `{ "Fn::Sub": x }`), so one evaluator handles both the
 * target-role template and osls's generated JSON.
 */
import yaml from 'js-yaml';

type Kind = 'scalar' | 'sequence' | 'mapping';

/** Short tag -> long-form key. `!Ref` and `!Condition` are not `Fn::` functions. */
const TAGS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  Join: 'Fn::Join',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  GetAtt: 'Fn::GetAtt',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  GetAZs: 'Fn::GetAZs',
  ImportValue: 'Fn::ImportValue',
  Transform: 'Fn::Transform',
};

function tagType(tag: string, key: string, kind: Kind): yaml.Type {
  return new yaml.Type(`!${tag}`, {
    kind,
    construct(data: unknown) {
      // `!GetAtt Res.Attr` is the scalar form of `[Res, Attr]`.
      if (key === 'Fn::GetAtt' && typeof data === 'string') {
        const dot = data.indexOf('.');
        return { [key]: dot < 0 ? [data] : [data.slice(0, dot), data.slice(dot + 1)] };
      }
      return { [key]: data ?? (kind === 'sequence' ? [] : kind === 'mapping' ? {} : '') };
    },
  });
}

/** Every tag in every node kind: CloudFormation accepts e.g. `!Sub` with a string or a list. */
export const CFN_SCHEMA = yaml.DEFAULT_SCHEMA.extend(
  Object.entries(TAGS).flatMap(([tag, key]) =>
    (['scalar', 'sequence', 'mapping'] as const).map((kind) => tagType(tag, key, kind)),
  ),
);

/** Parses CloudFormation-flavoured YAML into long-form JSON values. */
export function parseCfnYaml(text: string, filename?: string): unknown {
  return yaml.load(text, { schema: CFN_SCHEMA, ...(filename ? { filename } : {}) });
}
