import path from 'node:path';

/** The repository root: serverless.yml, the handlers and node_modules live here. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
