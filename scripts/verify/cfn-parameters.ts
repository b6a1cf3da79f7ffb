/**
 * Resolves the values CloudFormation would use for a template's parameters: given values,
 * else the Default, checked against the same constraints CloudFormation checks at deploy
 * time (AllowedPattern, AllowedValues, length). A value the real deploy would reject is
 * rejected here too, so a verification never runs on parameters that cannot exist.
 */

export type ParameterValue = string | readonly string[];

interface ParameterDeclaration {
  Type?: string;
  Default?: unknown;
  AllowedPattern?: string;
  AllowedValues?: unknown[];
  MinLength?: number;
  MaxLength?: number;
  ConstraintDescription?: string;
}

export class CfnParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CfnParameterError';
  }
}

/** Lists arrive as arrays or comma-separated strings; CloudFormation splits `''` into `['']`. */
function toList(value: ParameterValue): string[] {
  return typeof value === 'string' ? value.split(',').map((v) => v.trim()) : [...value];
}

function check(name: string, decl: ParameterDeclaration, value: string): void {
  const why = decl.ConstraintDescription ? ` (${decl.ConstraintDescription})` : '';
  // CloudFormation matches AllowedPattern against the whole value.
  if (
    decl.AllowedPattern !== undefined &&
    !new RegExp(`^(?:${decl.AllowedPattern})$`).test(value)
  ) {
    throw new CfnParameterError(
      `parameter ${name}: "${value}" does not match ${decl.AllowedPattern}${why}`,
    );
  }
  if (decl.AllowedValues && !decl.AllowedValues.map(String).includes(value)) {
    throw new CfnParameterError(`parameter ${name}: "${value}" is not an allowed value${why}`);
  }
  if (decl.MinLength !== undefined && value.length < decl.MinLength) {
    throw new CfnParameterError(`parameter ${name}: shorter than ${decl.MinLength}${why}`);
  }
  if (decl.MaxLength !== undefined && value.length > decl.MaxLength) {
    throw new CfnParameterError(`parameter ${name}: longer than ${decl.MaxLength}${why}`);
  }
}

/**
 * @param declarations the template's `Parameters` section
 * @param given values to deploy with; `undefined` means "use the Default"
 */
export function resolveParameters(
  declarations: Readonly<Record<string, unknown>>,
  given: Readonly<Record<string, ParameterValue | undefined>>,
): Record<string, ParameterValue> {
  for (const name of Object.keys(given)) {
    if (!(name in declarations)) throw new CfnParameterError(`unknown parameter ${name}`);
  }
  const resolved: Record<string, ParameterValue> = {};
  for (const [name, raw] of Object.entries(declarations)) {
    const decl = (raw ?? {}) as ParameterDeclaration;
    const value = given[name] ?? (decl.Default === undefined ? undefined : String(decl.Default));
    if (value === undefined) throw new CfnParameterError(`parameter ${name} needs a value`);
    if (decl.Type === 'CommaDelimitedList') {
      const list = toList(value);
      // An empty list is a single empty value; only real entries are constrained.
      for (const item of list) if (item !== '') check(name, decl, item);
      resolved[name] = list;
    } else if (decl.Type === 'String' || decl.Type === 'Number' || decl.Type === undefined) {
      if (typeof value !== 'string') throw new CfnParameterError(`parameter ${name} is a string`);
      if (decl.Type === 'Number' && Number.isNaN(Number(value))) {
        throw new CfnParameterError(`parameter ${name}: "${value}" is not a number`);
      }
      check(name, decl, value);
      resolved[name] = value;
    } else {
      throw new CfnParameterError(`parameter ${name}: type ${decl.Type} is not supported here`);
    }
  }
  return resolved;
}
