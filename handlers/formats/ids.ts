/** Shared formats (IDs, names, tag limits), checked before any AWS call; contract and config both use them. */

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** STS accepts 2-1224 characters of `[\w+=,.@:/-]` for ExternalId. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/** IAM role names: 1-64 characters of `[\w+=,.@-]`. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

/** EC2 tag keys: 1-128 characters; the `aws:` prefix is reserved. */
export const TAG_KEY_MAX = 128;
export const TAG_VALUE_MAX = 256;
