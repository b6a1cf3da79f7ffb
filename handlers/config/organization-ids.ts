/** AWS Organizations identifier formats (Organizations API reference, `Id` patterns). */

/** `o-` and 10-32 lowercase letters or digits. */
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

/** `ou-`, 4-32 characters of the root's ID, `-`, 8-32 more. */
export const ORGANIZATIONAL_UNIT_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/**
 * An entity path as `aws:ResourceOrgPaths` carries it: `o-…/r-…/` then any OUs, each ending in `/`,
 * e.g. `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`.
 */
export const ORGANIZATION_PATH_PATTERN =
  /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*$/;
