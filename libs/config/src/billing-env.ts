import { Expose, Transform } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DEFAULT_DATABASE_URL, RedisEnv } from './shared-env';
import { ToNumber } from './transforms';

const CREDITS_PER_MINUTE_TEXT = /^\d{1,9}(\.\d{1,6})?$/;

export class BillingEnv extends RedisEnv {
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(65535)
  BILLING_PORT: number = 8081;

  @Expose()
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string = DEFAULT_DATABASE_URL;

  /** Unset: the admin API refuses every request (it never runs open). */
  @Expose()
  @IsOptional()
  @IsString()
  BILLING_ADMIN_TOKEN?: string;

  /**
   * Checked on its text, never as a float: up to 9 integer digits and 6 decimals (15 significant
   * digits round-trip exactly through a JS number); exponents and negatives are refused.
   */
  @Expose()
  @Transform(({ value }) => {
    const text = String(value).trim();
    return CREDITS_PER_MINUTE_TEXT.test(text) ? Number(text) : text;
  })
  @IsNumber(
    {},
    { message: 'must be a non-negative decimal with at most 9 integer digits and 6 decimals, e.g. 1 or 0.5' },
  )
  CREDITS_PER_MINUTE: number = 1;
}
