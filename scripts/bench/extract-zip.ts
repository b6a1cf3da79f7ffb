/** A packaged zip's files written under a directory where no node_modules can be reached (as in /var/task). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readZip } from '../shared/zip';

export async function extractZip(zipPath: string, dir: string) {
  // Native zip also stores directory entries; only files matter here.
  const entries = readZip(await readFile(zipPath)).filter((e) => !e.name.endsWith('/'));
  for (const entry of entries) {
    const target = path.join(dir, entry.name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, entry.read());
  }
  return entries;
}
