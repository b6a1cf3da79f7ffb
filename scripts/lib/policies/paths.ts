import path from 'node:path';

/** The repository root: the documents that deploy live here. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

export const SERVERLESS_YML = path.join(PROJECT_ROOT, 'serverless.yml');
export const TARGET_ROLE_TEMPLATE = path.join(PROJECT_ROOT, 'resources', 'target-account-role.yml');
