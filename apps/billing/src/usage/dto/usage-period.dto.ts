import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { instantMicros, isInstant } from '../../common/instant';
import { CURSOR_RULE, decodeCursor } from '../usage-cursor';

const INSTANT_RULE =
  'must be a date (2026-11-01, UTC) or a date-time with a zone (2026-11-01T10:00:00Z), years 1-9999 in UTC';
/** A `+` in a query string is a space: an offset east of UTC travels as %2B. */
const PLUS_NOTE = 'send a + offset as %2B (2026-11-01T10:00:00%2B01:00)';

const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (v) => isInstant(v),
      defaultMessage: (args) => `${args?.property} ${INSTANT_RULE}`,
    },
  });

/** `to` after `from` (both valid instants, else their own rule speaks): an empty or reversed period is a mistake. */
const IsAfterFrom = () =>
  ValidateBy({
    name: 'isAfterFrom',
    validator: {
      validate: (to, args) => {
        const from = (args?.object as { from?: unknown } | undefined)?.from;
        if (!isInstant(to) || !isInstant(from)) return true;
        return instantMicros(from) < instantMicros(to);
      },
      defaultMessage: () =>
        'from must be before to (from is inclusive, to exclusive: one day is from=2026-11-01&to=2026-11-02)',
    },
  });

/** Whole numbers as plain digits only: '1e20', '9223372036854775807' or '1.5' stay strings and fail @IsInt. */
export const ToCount = () =>
  Transform(({ value }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value));

export class UsagePeriodDto {
  @ApiPropertyOptional({
    description: `Inclusive lower bound on interval_end; ${INSTANT_RULE}; ${PLUS_NOTE}`,
    example: '2026-11-01',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({
    description: `Exclusive upper bound on interval_end, after from; ${INSTANT_RULE}; ${PLUS_NOTE}`,
    example: '2026-12-01',
  })
  @IsOptional()
  @IsInstant()
  @IsAfterFrom()
  to?: string;
}

export class UsagePageDto extends UsagePeriodDto {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000, description: 'Items (or groups) per page' })
  @IsOptional()
  @ToCount()
  @IsInt({ message: 'limit must be a whole number from 1 to 1000' })
  @Min(1, { message: 'limit must be a whole number from 1 to 1000' })
  @Max(1000, { message: 'limit must be a whole number from 1 to 1000' })
  limit: number = 100;

  @ApiPropertyOptional({
    default: 0,
    minimum: 0,
    maximum: 100_000_000,
    description:
      'Items (or groups) to skip. Kept for compatibility: an event applied between two pages with an earlier ' +
      'interval_end (held by a gateway during a Redis outage, a retried job) shifts the rows, so offset pages ' +
      'can repeat one and never show the late one. Page with `cursor` instead.',
  })
  @IsOptional()
  @ToCount()
  @IsInt({ message: 'offset must be a whole number from 0 to 100000000' })
  @Min(0, { message: 'offset must be a whole number from 0 to 100000000' })
  @Max(100_000_000, { message: 'offset must be a whole number from 0 to 100000000' })
  offset: number = 0;

  @ApiPropertyOptional({
    description:
      'Where the page starts: `page.next_cursor` of the previous answer, unchanged (same group_by; leave ' +
      'offset out). Pages after the sort key of the previous page, so no row is repeated when events are ' +
      'applied meanwhile (a late one behind the cursor is on no page; `totals` counts it); omit it for the first page.',
  })
  @IsOptional()
  @IsString({ message: CURSOR_RULE })
  @ValidateBy({
    name: 'isUsageCursor',
    validator: { validate: (v) => decodeCursor(v) !== undefined, defaultMessage: () => CURSOR_RULE },
  })
  cursor?: string;
}
