import { encodeCursor, fingerprintOf } from './ec2-pagination';
import type { QueryParams } from './query-params';
import { rdsErrors } from './rds-errors';
import { leaf } from './xml';

const MIN_RECORDS = 20;
const MAX_RECORDS = 100;

/**
 * RDS's MaxRecords (20-100, default 100) and Marker paging (RDS API reference, DescribeDBInstances).
 * The Marker is opaque and bound to the query, so it cannot be replayed against another one.
 */
export function paginate<T>(
  params: QueryParams,
  query: unknown,
  items: readonly T[],
): { page: T[]; markerXml: string } {
  const maxText = params.get('MaxRecords');
  const pageSize = maxText === undefined ? MAX_RECORDS : readMaxRecords(maxText);
  const fingerprint = fingerprintOf(query);
  const marker = params.get('Marker');
  const offset = marker === undefined ? 0 : decodeMarker(marker, fingerprint);
  const page = items.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  return {
    page,
    markerXml:
      next < items.length
        ? leaf('Marker', encodeCursor({ offset: next, pageSize, fingerprint }))
        : '',
  };
}

function readMaxRecords(text: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < MIN_RECORDS || value > MAX_RECORDS) {
    throw rdsErrors.invalidMaxRecords(text);
  }
  return value;
}

function decodeMarker(marker: string, fingerprint: string): number {
  try {
    const cursor = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as {
      offset?: unknown;
      fingerprint?: unknown;
    };
    if (typeof cursor.offset === 'number' && cursor.fingerprint === fingerprint)
      return cursor.offset;
  } catch {
    // any marker this endpoint did not make is refused below
  }
  // Text *unverified*.
  throw rdsErrors.invalidParameterValue(`The parameter Marker is not valid: ${marker}`);
}
