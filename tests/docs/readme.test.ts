/**
 * The documentation against the code: the commands, fields, defaults, hints and links the
 * Markdown files name must exist and match, wherever a section lives. The top README stays a
 * newcomer's page; the deep material sits beside the code it documents.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { stageConfigSchema } from '../../handlers/config/stage-config';
import { requestSchema } from '../../handlers/contract/request';
import { TROUBLESHOOTING } from '../../handlers/core/diagnose';
import { stageNames } from '../../handlers/formats/names';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';
import { HINTS } from '../../scripts/verify/hints';

const ROOT = REPO_ROOT;
const README_MAX_LINES = 320;
/** About a seven-minute read: the rest lives beside the code and is linked. */
const README_MAX_WORDS = 1500;
/** Folders that hold no documentation of this project (dependencies, build and run output). */
const NOT_DOCS = new Set(['.git', 'node_modules', '.serverless', '.esbuild', '.bench', 'coverage']);
/**
 * npm scripts the docs already name that a change in flight adds to package.json. Drop an entry
 * once package.json has it: the last test below fails until then, so none lingers.
 */
const ANNOUNCED_SCRIPTS: string[] = [];

const read = (relative: string) => readFileSync(path.join(ROOT, relative), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function markdownFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (NOT_DOCS.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [path.relative(ROOT, full)] : [];
  });
}

/** The text outside fenced code blocks: headings and links are not read inside examples. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '');
}

/** Heading anchors as GitHub renders them (duplicates get -1, -2, ...). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, title = ''] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** Relative link targets of a Markdown file (web links and mail links left out). */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][\w+.-]*:/i.test(target));
}

/** What is wrong with one link from `file`, or undefined when it resolves. */
function brokenLink(file: string, target: string): string | undefined {
  const [pathPart = '', anchor] = target.split('#');
  const resolved = pathPart === '' ? file : path.join(path.dirname(file), pathPart);
  let isFile: boolean;
  try {
    isFile = statSync(path.join(ROOT, resolved)).isFile();
  } catch {
    return `${file}: ${target} (no such file or folder)`;
  }
  if (anchor === undefined || !isFile || !resolved.endsWith('.md')) return undefined;
  return anchorsOf(read(resolved)).has(anchor)
    ? undefined
    : `${file}: ${target} (no heading #${anchor} in ${resolved})`;
}

/** The lines of a Markdown file's tables, where fields and params are documented. */
function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter((line) => line.startsWith('| '));
}

const readme = read('README.md');
const docs = markdownFiles().map((file) => ({ file, text: read(file) }));

/**
 * A default as the table states it: a name derived per stage (resources/home-stack/stage-config.cjs, from
 * handlers/formats/names.ts) is shown for the placeholder stage `<stage>`.
 */
function documentedDefault(value: unknown): unknown {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: osls variable syntax, as serverless.yml writes it
  if (value === '${sls:stage}') return '<stage>';
  const derived = /^\$\{file\(resources\/home-stack\/stage-config\.cjs\):default(\w+)\}$/.exec(
    String(value),
  );
  if (!derived?.[1]) return value;
  const names = stageNames('xacct-ec2', '<stage>');
  const key = `${derived[1].charAt(0).toLowerCase()}${derived[1].slice(1)}` as keyof typeof names;
  return names[key];
}

describe('Document: README.md', () => {
  it(`stays a newcomer's page of at most ${README_MAX_LINES} lines and ${README_MAX_WORDS} words`, () => {
    // Act
    const lines = readme.split('\n').length;
    const words = readme.split(/\s+/).filter((word) => word !== '').length;

    // Assess
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
    expect(words).toBeLessThanOrEqual(README_MAX_WORDS);
  });

  it('has the section that error checks send readers to', () => {
    // Prepare: diagnose.ts says "See README → <section> ..."
    const section = /README → (\w+)/.exec(TROUBLESHOOTING)?.[1];

    // Act
    const anchors = anchorsOf(readme);

    // Assess
    expect(section).toBeDefined();
    expect(anchors).toContain(section?.toLowerCase());
  });

  it('links the stage configuration reference, which the README keeps out of its page', () => {
    // Assess
    expect(readme).toContain('](handlers/config/README.md)');
  });

  it('states the licence of each AGPL library as its package declares it, as a dev dependency only', () => {
    // Prepare
    const copilot = Object.keys(packageJson.devDependencies).filter((name) =>
      name.startsWith('@cloud-copilot/'),
    );

    // Act
    const licences = copilot.map((name) => {
      const manifest = JSON.parse(read(`node_modules/${name}/package.json`)) as {
        license: string;
      };
      return { name, license: manifest.license };
    });
    const inRuntime = Object.keys(packageJson.dependencies).filter((name) =>
      name.startsWith('@cloud-copilot/'),
    );

    // Assess
    expect(licences.length).toBeGreaterThan(1);
    for (const { name, license } of licences) {
      expect(readme).toContain(`\`${name}\``);
      expect(readme).toContain(`**${license}**`);
    }
    expect(inRuntime).toEqual([]);
  });

  it('keeps the AGPL libraries, the holiday data and the scripts out of the Lambda code, as the Licences section says', () => {
    // Prepare
    const handlerSources = readdirSync(path.join(ROOT, 'handlers'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => ({ file, text: read(path.join('handlers', file)) }));

    // Act
    const offending = handlerSources
      .filter(({ text }) => /from '(@cloud-copilot\/|date-holidays|(\.\.\/)+scripts\/)/.test(text))
      .map(({ file }) => file);

    // Assess
    expect(handlerSources.length).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });

  it('shows a layout whose top-level entries exist', () => {
    // Prepare
    const layout = /## Project layout\s+```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

    // Act
    const entries = layout
      .split('\n')
      .filter((line) => /^\S/.test(line))
      .map((line) => line.split(/\s+/)[0] ?? '');
    const missing = entries.filter((entry) => {
      try {
        statSync(path.join(ROOT, entry));
        return false;
      } catch {
        return true;
      }
    });

    // Assess
    expect(entries.length).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});

describe('Document: handlers/config/README.md', () => {
  it('documents every stage param, with the defaults serverless.yml sets', () => {
    // Prepare
    const yml = parseCfnYaml(read('serverless.yml')) as {
      params: { default: Record<string, unknown> };
    };
    const rows = tableRows(read('handlers/config/README.md'));
    const rowOf = (key: string) => rows.find((row) => row.includes(`\`${key}\``));

    // Act
    const undocumented = Object.keys(stageConfigSchema.shape).filter((key) => !rowOf(key));
    const wrongDefaults = Object.entries(yml.params.default)
      // An empty string means "none", which the table says in words.
      .filter(
        ([, value]) => (typeof value === 'string' && value !== '') || typeof value === 'number',
      )
      .map(([key, value]) => [key, documentedDefault(value)] as const)
      .filter(([key, value]) => !rowOf(key)?.includes(`\`${value}\``))
      .map(([key, value]) => `${key}: ${value}`);

    // Assess
    expect(undocumented).toEqual([]);
    expect(wrongDefaults).toEqual([]);
  });
});

describe('Document: the deep docs beside the code', () => {
  it('quote every verify hint in the policy findings table, word for word', () => {
    // Prepare
    const findings = read('scripts/verify/README.md');
    const hints = Object.values(HINTS);

    // Act
    const missing = hints.filter((hint) => !findings.includes(`| ${hint.symptom} | ${hint.fix} |`));

    // Assess
    expect(hints.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('document every field of the event contract', () => {
    // Prepare
    const contract = read('handlers/contract/README.md');
    const topLevel = Object.keys(requestSchema.shape).filter((key) => key !== 'targets');
    const fields = [...topLevel, 'targets.accounts', 'targets.regions'];

    // Act
    const undocumented = fields.filter((field) => !contract.includes(`| \`${field}\` |`));

    // Assess
    expect(undocumented).toEqual([]);
  });

  it('list every status code the HTTP handler answers with', () => {
    // Prepare
    const contract = read('handlers/contract/README.md');
    // Literal json(NNN, ...) answers, and the refusals' table (`NNN: 'reason'`).
    const codes = [...read('handlers/http.ts').matchAll(/json\((\d{3}),|^ {2}(\d{3}): '/gm)].map(
      (m) => m[1] ?? m[2],
    );

    // Act
    const undocumented = codes.filter((code) => !contract.includes(`| \`${code}\` |`));

    // Assess
    expect(codes.length).toBeGreaterThan(2);
    expect(undocumented).toEqual([]);
  });
});

describe('Document: every Markdown file of the repository', () => {
  it('is found', () => {
    // Assess
    expect(docs.map((doc) => doc.file)).toEqual(
      expect.arrayContaining(['README.md', 'scripts/README.md', 'handlers/contract/README.md']),
    );
  });

  it('names only npm scripts that exist', () => {
    // Prepare
    const named = docs.flatMap(({ file, text }) =>
      [...text.matchAll(/\bnpm (?:run ([a-z][\w:-]*\w)|(start|test)\b)/g)].map((match) => ({
        file,
        name: match[1] ?? match[2] ?? '',
      })),
    );

    // Act
    const unknown = named
      .filter(({ name }) => !(name in packageJson.scripts) && !ANNOUNCED_SCRIPTS.includes(name))
      .map(({ file, name }) => `${file}: npm run ${name}`);

    // Assess
    expect(named.length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('links only to files and headings that exist', () => {
    // Prepare
    const links = docs.flatMap(({ file, text }) =>
      relativeLinks(text).map((target) => ({ file, target })),
    );

    // Act
    const broken = links.flatMap(({ file, target }) => brokenLink(file, target) ?? []);

    // Assess
    expect(links.filter(({ file }) => file === 'README.md').length).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  it('has no unfilled placeholders', () => {
    // Act
    const placeholders = docs.flatMap(({ file, text }) =>
      (text.match(/\b[A-Z]+(?:_[A-Z]+)*_(?:SECTION|EXCERPT)\b/g) ?? []).map((p) => `${file}: ${p}`),
    );

    // Assess
    expect(placeholders).toEqual([]);
  });

  it('announces only npm scripts that package.json does not have yet', () => {
    // Act
    const landed = ANNOUNCED_SCRIPTS.filter((name) => name in packageJson.scripts);

    // Assess: once a script exists, drop it from ANNOUNCED_SCRIPTS
    expect(landed).toEqual([]);
  });
});
