import path from 'node:path';
import { REPO_ROOT } from '../repo-root';

/** The documents that deploy. */
export const SERVERLESS_YML = path.join(REPO_ROOT, 'serverless.yml');
export const TARGET_ROLE_TEMPLATE = path.join(REPO_ROOT, 'resources', 'target-account-role.yml');
