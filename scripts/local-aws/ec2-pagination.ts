import { createHash } from 'node:crypto';
import { ec2Errors } from './ec2-errors';

/**
 * Opaque NextToken: the offset of the next page, the page size, and a fingerprint of the query,
 * so a token cannot be replayed against a different account, region or filter set.
 */
interface PageCursor {
  offset: number;
  pageSize: number;
  fingerprint: string;
}

export function fingerprintOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(token: string, fingerprint: string): PageCursor {
  try {
    const cursor = JSON.parse(
      Buffer.from(token, 'base64url').toString('utf8'),
    ) as Partial<PageCursor>;
    if (
      typeof cursor.offset === 'number' &&
      typeof cursor.pageSize === 'number' &&
      cursor.fingerprint === fingerprint
    ) {
      return { offset: cursor.offset, pageSize: cursor.pageSize, fingerprint };
    }
  } catch {
    // fall through: any token we did not make is invalid
  }
  throw ec2Errors.invalidPaginationToken(token);
}
