import { readFileSync } from 'node:fs';
import path from 'node:path';
import { requestSchema } from '../../handlers/contract/request';
import { HINTS } from '../../scripts/lib/policies/hints';
import { REPO_ROOT } from '../../scripts/lib/repo-root';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('Document: README.md', () => {
  it('quotes every verify hint in the troubleshooting table, word for word', () => {
    // Prepare
    const hints = Object.values(HINTS);

    // Act
    const missing = hints.filter((hint) => !readme.includes(`| ${hint.symptom} | ${hint.fix} |`));

    // Assess
    expect(hints.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('documents every field of the event contract', () => {
    // Prepare
    const topLevel = Object.keys(requestSchema.shape).filter((key) => key !== 'targets');
    const fields = [...topLevel, 'targets.accounts', 'targets.regions'];

    // Act
    const undocumented = fields.filter((field) => !readme.includes(`| \`${field}\` |`));

    // Assess
    expect(undocumented).toEqual([]);
  });

  it('names only npm scripts that exist', () => {
    // Prepare
    const named = [...readme.matchAll(/npm run ([a-z][\w:-]*[\w])/g)].map((match) => match[1]);

    // Act
    const unknown = named.filter((name) => name !== undefined && !(name in packageJson.scripts));

    // Assess
    expect(named.length).toBeGreaterThan(3);
    expect(unknown).toEqual([]);
  });

  it('has no unfilled placeholders', () => {
    // Act
    const placeholders = readme.match(/\b[A-Z]+(?:_[A-Z]+)*_(?:SECTION|EXCERPT)\b/g);

    // Assess
    expect(placeholders).toBeNull();
  });
});
