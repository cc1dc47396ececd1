import { Expose } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { DEFAULT_DATABASE_URL, RedisEnv } from './shared-env';
import { ToNumber } from './transforms';

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

  @Expose()
  @ToNumber()
  @IsNumber({ maxDecimalPlaces: 6 })
  @Min(0)
  CREDITS_PER_MINUTE: number = 1;
}
