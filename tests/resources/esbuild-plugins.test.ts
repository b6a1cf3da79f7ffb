/**
 * The bundles' esbuild plugin (resources/home-stack/esbuild-plugins.cjs): the SDK schema modules it rewrites
 * build the same shapes, and esbuild then drops the shapes no called operation reaches.
 */
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const plugins = require('../../resources/home-stack/esbuild-plugins.cjs') as Plugin[] & {
  inlineSchemaKeys: (source: string) => string;
  SCHEMA_MODULE: RegExp;
};

/** The EC2 operations the functions call, as the SDK's schema module exports them. */
const ENTRY = `export { DescribeInstances$, StartInstances$, StopInstances$ } from '@aws-sdk/client-ec2';`;

async function bundle(withPlugins: boolean): Promise<string> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: path.join(__dirname, '..', '..'), loader: 'ts' },
    bundle: true,
    minify: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    logLevel: 'error',
    plugins: withPlugins ? plugins : [],
  });
  return result.outputFiles[0]?.text ?? '';
}

function load(code: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  return module.exports;
}

/** Deep equality of two schema graphs; a thunk (`() => Shape$`) is compared by what it returns. */
function sameShape(a: unknown, b: unknown, seen = new Map<unknown, unknown>()): boolean {
  if (typeof a === 'function' && typeof b === 'function') {
    if (a.length !== 0 || b.length !== 0) return a.length === b.length;
    return sameShape(a(), b(), seen);
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b);
  }
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (Array.isArray(a) !== Array.isArray(b) || keysA.join('\0') !== keysB.join('\0')) return false;
  return keysA.every((key) =>
    sameShape((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], seen),
  );
}

describe('sdkSchemaKeys', () => {
  it('writes a computed key naming a string constant as that string, and leaves any other key alone', () => {
    // Prepare
    const source = [
      'const _eQN = "ec2QueryName";',
      'const _xN = "xmlName";',
      'let _mutable = "no";',
      'export var A$ = [3, n0, _A, 0, [_a], [[0, { [_eQN]: `Id`, [_xN]: _a }]]];',
      'export var B$ = [3, n0, _B, 0, [_b], [[0, { [_mutable]: 1, [other]: 2 }]]];',
    ].join('\n');

    // Act
    const rewritten = plugins.inlineSchemaKeys(source);

    // Assess
    expect(rewritten.split('\n').slice(3)).toEqual([
      'export var A$ = [3, n0, _A, 0, [_a], [[0, { ["ec2QueryName"]: `Id`, ["xmlName"]: _a }]]];',
      'export var B$ = [3, n0, _B, 0, [_b], [[0, { [_mutable]: 1, [other]: 2 }]]];',
    ]);
  });

  it('applies to the SDK clients’ generated schema modules only', () => {
    const schema = (p: string) => plugins.SCHEMA_MODULE.test(p);
    expect(schema('/r/node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js')).toBe(true);
    expect(
      schema('/r/node_modules/@aws-sdk/nested-clients/dist-es/submodules/sts/schemas/schemas_0.js'),
    ).toBe(true);
    expect(schema('/r/node_modules/@aws-sdk/client-ec2/dist-cjs/schemas/schemas_0.js')).toBe(false);
    expect(schema('/r/handlers/schemas/schemas_0.js')).toBe(false);
  });

  it('builds the same shapes for the EC2 operations the functions call, in a fraction of the bytes', async () => {
    // Prepare / Act
    const [plain, rewritten] = await Promise.all([bundle(false), bundle(true)]);
    const before = load(plain);
    const after = load(rewritten);

    // Assess: every shape each operation reaches is equal, member traits included.
    for (const operation of ['DescribeInstances$', 'StartInstances$', 'StopInstances$']) {
      expect(after[operation]).toBeDefined();
      expect(sameShape(before[operation], after[operation])).toBe(true);
    }
    // The EC2 schema alone was 544 KB minified; what the three operations reach is far less.
    expect(plain.length).toBeGreaterThan(500_000);
    expect(rewritten.length).toBeLessThan(plain.length / 4);
  }, 60_000);

  it('fails the comparison on a shape that differs, so the test above can catch a wrong rewrite', () => {
    const shape = [3, 'n', 'A', 0, ['a'], [[0, { ec2QueryName: 'Id' }]]];
    const changed = [3, 'n', 'A', 0, ['a'], [[0, { ec2QueryName: 'ID' }]]];
    expect(
      sameShape(
        () => shape,
        () => changed,
      ),
    ).toBe(false);
    expect(
      sameShape(
        () => shape,
        () => structuredClone(shape),
      ),
    ).toBe(true);
  });
});
