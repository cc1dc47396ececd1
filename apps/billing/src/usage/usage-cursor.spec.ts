import { BadRequestException } from '@nestjs/common';
import { instantMicros } from '../common/instant';
import { decodeCursor, encodeCursor, requestCursor, UsageCursor } from './usage-cursor';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('usage cursors', () => {
  it('round-trip the sort key of items and of every group', () => {
    const cursors: UsageCursor[] = [
      { by: 'items', end: '2026-11-30T23:59:59.999500Z', id: '9223372036854775807' },
      { by: 'items', end: '0001-01-01T00:00:00.000000Z', id: '1' },
      { by: 'user_id', key: 'u-42, "quoted" ✓ 𝄞' },
      { by: 'session_id', key: '' },
      { by: 'model', key: 'aura-2-thalia-en' },
      { by: 'day', key: '2026-11-30' },
      { by: 'user_id', key: '𝄞'.repeat(128) },
    ];
    for (const c of cursors) {
      const text = encodeCursor(c);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/); // no escaping needed in a query string
      expect(decodeCursor(text)).toEqual(c);
    }
  });

  it('refuse anything billing did not write', () => {
    for (const text of [
      '',
      'a b',
      'a+b/c=',
      'x'.repeat(1025),
      b64('not json'),
      b64('{"by":"items"}'),
      b64('[2,"items","2026-11-30T23:59:59.999500Z","1"]'),
      b64('[1,"items","2026-11-30T23:59:59.9995Z","1"]'),
      b64('[1,"items","2026-11-30T23:59:59.999500+01:00","1"]'),
      b64('[1,"items","2026-02-30T00:00:00.000000Z","1"]'),
      b64('[1,"items","2026-11-30T23:59:59.999500Z","0"]'),
      b64('[1,"items","2026-11-30T23:59:59.999500Z","9223372036854775808"]'),
      b64('[1,"items","2026-11-30T23:59:59.999500Z",1]'),
      b64('[1,"items","2026-11-30T23:59:59.999500Z","1","extra"]'),
      b64('[1,"company_id","acme"]'),
      b64('[1,"user_id","a\\u0000b"]'),
      b64(`[1,"user_id","${'x'.repeat(129)}"]`),
      b64('[1,"user_id",7]'),
    ]) {
      expect({ text, cursor: decodeCursor(text) }).toEqual({ text, cursor: undefined });
    }
    expect(decodeCursor(['a'])).toBeUndefined();
  });

  it('page only what they were issued for, and never with an offset', () => {
    const items = encodeCursor({ by: 'items', end: '2026-11-30T10:00:00.000000Z', id: '5' });
    const day = encodeCursor({ by: 'day', key: '2026-11-30' });
    expect(requestCursor({ offset: 0 }, 'items')).toBeUndefined();
    expect(requestCursor({ cursor: items, offset: 0 }, 'items')).toMatchObject({ id: '5' });
    expect(requestCursor({ cursor: day, offset: 0 }, 'day')).toEqual({ by: 'day', key: '2026-11-30' });
    const refusal = (q: { cursor: string; offset: number }, by: 'items' | 'day' | 'model') => {
      try {
        requestCursor(q, by);
      } catch (e) {
        expect(e).toBeInstanceOf(BadRequestException);
        return (e as BadRequestException).message;
      }
      throw new Error('not refused');
    };
    expect(refusal({ cursor: items, offset: 0 }, 'day')).toBe(
      'cursor was issued without group_by, but this request pages with group_by=day',
    );
    expect(refusal({ cursor: day, offset: 0 }, 'model')).toBe(
      'cursor was issued for group_by=day, but this request pages with group_by=model',
    );
    expect(refusal({ cursor: items, offset: 3 }, 'items')).toBe(
      'pass cursor or offset, not both: the cursor says where to start',
    );
    expect(refusal({ cursor: 'garbage!', offset: 0 }, 'items')).toMatch(/^cursor must be a page.next_cursor/);
  });
});

describe('instantMicros', () => {
  it('orders bounds to the microsecond, offsets applied', () => {
    expect(instantMicros('1970-01-01')).toBe(0n);
    expect(instantMicros('1970-01-01T00:00:00.000001Z')).toBe(1n);
    expect(instantMicros('2026-11-30T23:59:59.9995Z') - instantMicros('2026-11-30T23:59:59.999Z')).toBe(500n);
    expect(instantMicros('2026-11-01T01:00:00+01:00')).toBe(instantMicros('2026-11-01'));
    expect(instantMicros('2026-11-01T10:00Z')).toBe(instantMicros('2026-11-01T10:00:00.000000Z'));
    expect(instantMicros('0001-01-01T00:00:00Z')).toBeLessThan(0n);
  });
});
