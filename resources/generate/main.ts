/**
 * `npm run generate`: renders resources/target-account-role.yml and
 * resources/target-account-stackset.yml from their bases (resources/generate) and every
 * registered task's policy fragment. Run it after adding a task or changing a fragment.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderTargetTemplates } from './render';

const root = path.resolve(__dirname, '..', '..');
for (const { file, text } of renderTargetTemplates()) {
  writeFileSync(path.join(root, file), text);
  console.log(`wrote ${file}`);
}
