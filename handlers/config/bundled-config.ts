/**
 * The stage configuration travels inside the function's bundle, not in an environment variable
 * (Lambda's 4 KB for all variables held about 40 accounts). `sls package` puts one line in front
 * of each bundle (serverless.yml custom.esbuild.banner, from resources/home-stack/stage-config.cjs):
 *
 *   <BUNDLED_CONFIG_MARKER>globalThis.__XACCT_EC2_STAGE_CONFIG__="<the JSON, as a string>";
 *
 * A string literal rather than an object literal: JSON.parse of a large string is faster than
 * parsing the same object as JavaScript, and the cold start validates it anyway. The line is
 * verbatim (esbuild does not minify a banner), so tools read it back from the artifact.
 */

export const BUNDLED_CONFIG_GLOBAL = '__XACCT_EC2_STAGE_CONFIG__';
export const BUNDLED_CONFIG_MARKER = '/* xacct-ec2 stage config v1 */';

/** The banner line for a runtime configuration already serialised as JSON. */
export function bundleBanner(configJson: string): string {
  // `$` is escaped: osls resolves `${…}` in the strings a variable source returns.
  const literal = JSON.stringify(configJson).replace(/\$/g, '\\u0024');
  return `${BUNDLED_CONFIG_MARKER}globalThis.${BUNDLED_CONFIG_GLOBAL}=${literal};`;
}

/** The JSON the bundle's banner stored, or undefined when running unbundled (tests, tsx). */
export function bundledConfigJson(scope: object = globalThis): string | undefined {
  const value = (scope as Record<string, unknown>)[BUNDLED_CONFIG_GLOBAL];
  return typeof value === 'string' ? value : undefined;
}

/** Reads the configuration JSON back out of a packaged bundle's text (its first line). */
export function configJsonFromBundle(bundle: string): string | undefined {
  const end = bundle.indexOf('\n');
  const line = end < 0 ? bundle : bundle.slice(0, end);
  const prefix = `${BUNDLED_CONFIG_MARKER}globalThis.${BUNDLED_CONFIG_GLOBAL}=`;
  if (!line.startsWith(prefix) || !line.endsWith(';')) return undefined;
  const literal: unknown = JSON.parse(line.slice(prefix.length, -1));
  return typeof literal === 'string' ? literal : undefined;
}
