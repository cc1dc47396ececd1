import { BadRequestException } from '@nestjs/common';
import { isInstant } from '../common/instant';

/** The group_by keys (here rather than in the DTO, which validates cursors with this module). */
export const USAGE_GROUPS = ['user_id', 'session_id', 'model', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

/**
 * Where a page ended, so the next one starts right after it (keyset paging): the sort key of the last row
 * of a page, never a count of rows. Items sort by (interval_end, id): `end` is interval_end as UTC text to
 * the microsecond (as the ledger stores it), `id` the ledger row id. Groups sort by key.
 */
export type UsageCursor = { by: 'items'; end: string; id: string } | { by: UsageGroup; key: string };

export const CURSOR_RULE = 'cursor must be a page.next_cursor of an earlier answer, passed unchanged';

/** Longer than any cursor this module writes (a 128-character key of 4-byte characters, base64url). */
const MAX_CURSOR_LENGTH = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const END = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const MAX_BIGINT = 9223372036854775807n;
/** The ledger's key columns are varchar(128); `day` keys are 10 characters. */
const MAX_KEY_CHARACTERS = 128;

/** Opaque to clients: base64url of a small JSON array, version first. */
export function encodeCursor(cursor: UsageCursor): string {
  const fields = cursor.by === 'items' ? [1, 'items', cursor.end, cursor.id] : [1, cursor.by, cursor.key];
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/** The cursor written by encodeCursor, or undefined for anything else (never throws). */
export function decodeCursor(text: unknown): UsageCursor | undefined {
  if (typeof text !== 'string' || text.length > MAX_CURSOR_LENGTH || !BASE64URL.test(text)) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields[0] !== 1) return undefined;
  const [, by, a, b] = fields as unknown[];
  if (by === 'items' && fields.length === 4 && validEnd(a) && validId(b)) return { by, end: a, id: b };
  if (
    typeof by === 'string' &&
    (USAGE_GROUPS as readonly string[]).includes(by) &&
    fields.length === 3 &&
    validKey(a)
  ) {
    return { by: by as UsageGroup, key: a };
  }
  return undefined;
}

/**
 * The request's cursor, checked against what it pages: undefined without one; a 400 when it was issued
 * for another group_by (or for items), or comes with an offset (a cursor already says where to start).
 */
export function requestCursor(
  q: { cursor?: string; offset: number },
  by: 'items' | UsageGroup,
): UsageCursor | undefined {
  if (q.cursor === undefined) return undefined;
  const cursor = decodeCursor(q.cursor);
  if (!cursor) throw new BadRequestException(CURSOR_RULE); // the DTO refuses these first
  if (q.offset !== 0) throw new BadRequestException('pass cursor or offset, not both: the cursor says where to start');
  if (cursor.by !== by) {
    const issued = cursor.by === 'items' ? 'without group_by' : `for group_by=${cursor.by}`;
    const asked = by === 'items' ? 'without group_by' : `with group_by=${by}`;
    throw new BadRequestException(`cursor was issued ${issued}, but this request pages ${asked}`);
  }
  return cursor;
}

function validEnd(value: unknown): value is string {
  return typeof value === 'string' && END.test(value) && isInstant(value, true);
}

function validId(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= MAX_BIGINT;
}

/** Any text a key column can hold: Postgres refuses NUL in text, and no stored key is longer than its column. */
function validKey(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\u0000') && [...value].length <= MAX_KEY_CHARACTERS;
}
