import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { isInstant } from '../../common/instant';

const INSTANT_RULE =
  'must be a date (2026-11-01, UTC) or a date-time with a zone (2026-11-01T10:00:00Z), years 1-9999 in UTC';

const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (v) => isInstant(v),
      defaultMessage: (args) => `${args?.property} ${INSTANT_RULE}`,
    },
  });

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
