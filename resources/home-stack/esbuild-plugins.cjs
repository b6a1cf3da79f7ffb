/**
 * esbuild plugins of the functions' bundles (serverless.yml, custom.esbuild.plugins).
 *
 * sdkSchemaKeys: each AWS SDK client's `schemas/schemas_0.js` declares its shapes as arrays whose
 * member traits are objects with computed keys naming top-level string constants
 * (`{ [_eQN]: "ByoipCidr" }`, where `const _eQN = "ec2QueryName";`). esbuild cannot prove such a
 * key free of side effects (a computed key may call toString), so it keeps every shape that has
 * one, used or not: the EC2 client's schema stayed 544 KB minified for the three operations the
 * functions call. Writing each such key as the string it names (`{ ["ec2QueryName"]: ... }`)
 * builds the same objects, and lets esbuild drop the shapes no operation reaches.
 */
const { readFile } = require('node:fs/promises');

/** A top-level `const _name = "literal";` of a schema module (the SDK's code generator writes one a line). */
const STRING_CONSTANT = /^const (_\w+) = ("[^"\\\n]*");$/gm;
/** A computed key naming an identifier: `[_name]:`. */
const COMPUTED_KEY = /\[(_\w+)\]:/g;
/** The SDK's generated schema modules (ESM builds, the ones mainFields [module, main] picks). */
const SCHEMA_MODULE =
  /[\\/]node_modules[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](?:.+[\\/])?schemas[\\/]schemas_\d+\.js$/;

/** The module with every computed key that names one of its string constants written as that string. */
function inlineSchemaKeys(source) {
  const constants = new Map();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) constants.set(name, literal);
  return source.replace(COMPUTED_KEY, (key, name) => {
    const literal = constants.get(name);
    return literal === undefined ? key : `[${literal}]:`;
  });
}

const sdkSchemaKeys = {
  name: 'sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: SCHEMA_MODULE }, async (args) => ({
      contents: inlineSchemaKeys(await readFile(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

module.exports = [sdkSchemaKeys];
module.exports.inlineSchemaKeys = inlineSchemaKeys;
module.exports.SCHEMA_MODULE = SCHEMA_MODULE;
