/**
 * A small CloudFormation intrinsic-function evaluator: just enough to turn the IAM parts of a
 * template into the concrete JSON that CloudFormation would hand to IAM, for one account,
 * region and set of parameter values. Anything it does not understand throws with the path of
 * the offending node, so a template change can never be evaluated "roughly".
 */

/** `Ref: AWS::NoValue`: the property or list element disappears. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface PseudoParameters {
  partition: string;
  accountId: string;
  region: string;
  stackName?: string;
}

export interface CfnContext {
  pseudo: PseudoParameters;
  /** Resolved parameter values (see cfn-parameters.ts); lists for CommaDelimitedList. */
  parameters: Readonly<Record<string, string | readonly string[]>>;
  /** The template's unevaluated `Conditions` section. */
  conditions?: Readonly<Record<string, unknown>>;
  /** Resolves `Fn::GetAtt` (and `${Res.Attr}` in Fn::Sub); absent means "not supported here". */
  getAtt?: (logicalId: string, attribute: string) => unknown;
  /** Resolves `Ref` to a resource's logical ID (its physical ID); absent means "not supported". */
  refResource?: (logicalId: string) => unknown;
}

export class CfnEvaluationError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${message} (at ${path})`);
    this.name = 'CfnEvaluationError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Evaluates every intrinsic in `value`; `NO_VALUE` entries are dropped from lists and objects. */
export function evaluate(value: unknown, ctx: CfnContext, path = '$'): unknown {
  return new Evaluator(ctx).value(value, path);
}

/** Evaluates a named condition of the template. */
export function evaluateCondition(name: string, ctx: CfnContext): boolean {
  return new Evaluator(ctx).condition(name, `Conditions.${name}`);
}

class Evaluator {
  private readonly conditionCache = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(private readonly ctx: CfnContext) {}

  value(node: unknown, path: string): unknown {
    if (Array.isArray(node)) {
      return node
        .map((item, i) => this.value(item, `${path}[${i}]`))
        .filter((item) => item !== NO_VALUE);
    }
    if (!isRecord(node)) return node;
    const keys = Object.keys(node);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only !== undefined && (only === 'Ref' || only.startsWith('Fn::') || only === 'Condition')) {
      // A lone `Condition` key is a condition reference only where a boolean is expected;
      // elsewhere (e.g. a resource attribute) it is plain data.
      if (only !== 'Condition') return this.intrinsic(only, node[only], `${path}.${only}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const evaluated = this.value(node[key], `${path}.${key}`);
      if (evaluated !== NO_VALUE) out[key] = evaluated;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown, path: string): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(arg, path);
      case 'Fn::Sub':
        return this.sub(arg, path);
      case 'Fn::Join':
        return this.join(arg, path);
      case 'Fn::If':
        return this.if(arg, path);
      case 'Fn::Select':
        return this.select(arg, path);
      case 'Fn::Split':
        return this.split(arg, path);
      case 'Fn::GetAtt':
        return this.getAtt(arg, path);
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.boolean({ [fn]: arg }, path);
      default:
        throw new CfnEvaluationError(`unsupported intrinsic function ${fn}`, path);
    }
  }

  private ref(arg: unknown, path: string): unknown {
    if (typeof arg !== 'string') throw new CfnEvaluationError('Ref takes a name', path);
    const { pseudo, parameters } = this.ctx;
    switch (arg) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Partition':
        return pseudo.partition;
      case 'AWS::AccountId':
        return pseudo.accountId;
      case 'AWS::Region':
        return pseudo.region;
      case 'AWS::URLSuffix':
        return pseudo.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      case 'AWS::StackName':
        if (pseudo.stackName) return pseudo.stackName;
        break;
    }
    const parameter = parameters[arg];
    if (parameter !== undefined) return parameter;
    if (this.ctx.refResource) return this.ctx.refResource(arg);
    throw new CfnEvaluationError(`Ref to unknown name "${arg}"`, path);
  }

  private sub(arg: unknown, path: string): string {
    let template: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      const [text, map] = arg;
      if (!isRecord(map)) throw new CfnEvaluationError('Fn::Sub list form needs a map', path);
      template = text;
      vars = this.value(map, `${path}[1]`) as Record<string, unknown>;
    }
    if (typeof template !== 'string') throw new CfnEvaluationError('Fn::Sub needs a string', path);
    // `${!Literal}` stays as `${Literal}`; `${Name}` and `${Res.Attr}` are substituted.
    return template.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      const resolved =
        name in vars
          ? vars[name]
          : name.includes('.') && !name.startsWith('AWS::')
            ? this.getAtt(name.split(/\.(.*)/s).slice(0, 2), path)
            : this.ref(name, path);
      return this.scalar(resolved, `${path} \${${name}}`);
    });
  }

  private join(arg: unknown, path: string): string {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
      throw new CfnEvaluationError('Fn::Join takes [delimiter, list]', path);
    }
    const list = this.value(arg[1], `${path}[1]`);
    if (!Array.isArray(list)) throw new CfnEvaluationError('Fn::Join needs a list', path);
    return list.map((item, i) => this.scalar(item, `${path}[1][${i}]`)).join(arg[0]);
  }

  private if(arg: unknown, path: string): unknown {
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
      throw new CfnEvaluationError('Fn::If takes [condition, then, else]', path);
    }
    const chosen = this.condition(arg[0], `${path}[0]`) ? 1 : 2;
    return this.value(arg[chosen], `${path}[${chosen}]`);
  }

  private select(arg: unknown, path: string): unknown {
    if (!Array.isArray(arg) || arg.length !== 2) {
      throw new CfnEvaluationError('Fn::Select takes [index, list]', path);
    }
    const index = Number(this.value(arg[0], `${path}[0]`));
    const list = this.value(arg[1], `${path}[1]`);
    if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
      throw new CfnEvaluationError(`Fn::Select index ${index} is out of range`, path);
    }
    return list[index];
  }

  private split(arg: unknown, path: string): string[] {
    if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') {
      throw new CfnEvaluationError('Fn::Split takes [delimiter, string]', path);
    }
    return this.scalar(this.value(arg[1], `${path}[1]`), `${path}[1]`).split(arg[0]);
  }

  private getAtt(arg: unknown, path: string): unknown {
    const parts = typeof arg === 'string' ? arg.split(/\.(.*)/s).slice(0, 2) : arg;
    if (!Array.isArray(parts) || parts.length !== 2) {
      throw new CfnEvaluationError('Fn::GetAtt takes [logicalId, attribute]', path);
    }
    const [logicalId, attribute] = parts.map((p, i) => this.value(p, `${path}[${i}]`));
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') {
      throw new CfnEvaluationError('Fn::GetAtt takes names', path);
    }
    if (!this.ctx.getAtt) {
      throw new CfnEvaluationError(`Fn::GetAtt ${logicalId}.${attribute} is not supported`, path);
    }
    return this.ctx.getAtt(logicalId, attribute);
  }

  condition(name: string, path: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const definition = this.ctx.conditions?.[name];
    if (definition === undefined) throw new CfnEvaluationError(`unknown condition "${name}"`, path);
    if (this.evaluating.has(name))
      throw new CfnEvaluationError(`condition cycle at "${name}"`, path);
    this.evaluating.add(name);
    const result = this.boolean(definition, `Conditions.${name}`);
    this.evaluating.delete(name);
    this.conditionCache.set(name, result);
    return result;
  }

  private boolean(node: unknown, path: string): boolean {
    if (typeof node === 'boolean') return node;
    if (node === 'true' || node === 'false') return node === 'true';
    if (!isRecord(node) || Object.keys(node).length !== 1) {
      throw new CfnEvaluationError('expected a condition function', path);
    }
    const [fn, arg] = Object.entries(node)[0] as [string, unknown];
    const list = (min: number, max: number): unknown[] => {
      if (!Array.isArray(arg) || arg.length < min || arg.length > max) {
        throw new CfnEvaluationError(`${fn} takes ${min}-${max} arguments`, `${path}.${fn}`);
      }
      return arg;
    };
    switch (fn) {
      case 'Condition':
        if (typeof arg !== 'string') throw new CfnEvaluationError('Condition takes a name', path);
        return this.condition(arg, `${path}.Condition`);
      case 'Fn::Equals': {
        const [a, b] = list(2, 2).map((v, i) => this.value(v, `${path}.Fn::Equals[${i}]`));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !this.boolean(list(1, 1)[0], `${path}.Fn::Not[0]`);
      case 'Fn::And':
        return list(2, 10).every((c, i) => this.boolean(c, `${path}.Fn::And[${i}]`));
      case 'Fn::Or':
        return list(2, 10).some((c, i) => this.boolean(c, `${path}.Fn::Or[${i}]`));
      default:
        throw new CfnEvaluationError(`${fn} is not a condition function`, path);
    }
  }

  private scalar(value: unknown, path: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw new CfnEvaluationError(`expected a string, got ${JSON.stringify(value)}`, path);
  }
}
