import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';

/** A calendar date (UTC midnight) or a date-time with Z or an offset: what Postgres and Date agree on. */
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const INSTANT_RULE =
  'must be a date (2026-11-01, UTC) or a date-time with a zone (2026-11-01T10:00:00Z), years 1-9999 in UTC';

/**
 * Rejects dates that match the shape but do not exist (2026-02-30) or fall outside years 1-9999 once the
 * offset is applied: 9999-12-31T23:30:00-01:00 is year 10000 in UTC, which Postgres cannot read.
 */
const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (v) => {
        if (typeof v !== 'string' || !INSTANT.test(v)) return false;
        const t = Date.parse(v);
        if (isNaN(t)) return false;
        const year = new Date(t).getUTCFullYear(); // after the offset: what toISOString writes for Postgres
        return year >= 1 && year <= 9999 && v.slice(0, 10) === isoDay(v);
      },
      defaultMessage: (args) => `${args?.property} ${INSTANT_RULE}`,
    },
  });

/** The calendar date as written, re-derived so 2026-02-30 (which Date rolls over to March) is refused. */
function isoDay(v: string): string {
  const [y, m, d] = v.slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return isNaN(day.getTime()) || day.getUTCDate() !== d ? '' : v.slice(0, 10);
}

/** Whole numbers as plain digits only: '1e20', '9223372036854775807' or '1.5' stay strings and fail @IsInt. */
export const ToCount = () =>
  Transform(({ value }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value));

export class UsagePeriodDto {
  @ApiPropertyOptional({ description: `Inclusive lower bound on interval_end; ${INSTANT_RULE}`, example: '2026-11-01' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: `Exclusive upper bound on interval_end; ${INSTANT_RULE}`, example: '2026-12-01' })
  @IsOptional()
  @IsInstant()
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

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 100_000_000, description: 'Items (or groups) to skip' })
  @IsOptional()
  @ToCount()
  @IsInt({ message: 'offset must be a whole number from 0 to 100000000' })
  @Min(0, { message: 'offset must be a whole number from 0 to 100000000' })
  @Max(100_000_000, { message: 'offset must be a whole number from 0 to 100000000' })
  offset: number = 0;
}
