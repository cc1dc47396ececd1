import { Expose, Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { DEFAULT_DATABASE_URL, RedisEnv } from './shared-env';
import { IsOriginList, IsServiceUrl, ToBoolean, ToNumber } from './transforms';

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
  @IsServiceUrl(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/tts')
  DATABASE_URL: string = DEFAULT_DATABASE_URL;

  /** Unset: the admin API refuses every request (it never runs open). */
  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters (e.g. openssl rand -hex 32)' })
  BILLING_ADMIN_TOKEN?: string;

  /**
   * Origins, besides the one in the request's own Host header, from which the admin UIs (Bull Board,
   * /docs) accept state-changing requests: set it to the public origin when a proxy rewrites Host.
   */
  @Expose()
  @IsOriginList()
  BILLING_ADMIN_ORIGINS: string[] = [];

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

  /** HMAC-SHA256 key of low-balance webhooks (X-TTS-Signature). Unset: alerts cannot be armed (400). */
  @Expose()
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  WEBHOOK_SIGNING_SECRET?: string;

  /** false (default): webhook URLs resolving to loopback, private or link-local addresses are refused. */
  @Expose()
  @ToBoolean()
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: boolean = false;

  /** Delivery attempts of one low-balance webhook before it is kept as failed. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(50)
  WEBHOOK_ATTEMPTS: number = 10;

  /** First retry delay of a webhook; each further retry doubles it (exponential backoff). */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS: number = 5_000;

  /** A webhook POST not answered within this is a failed attempt. */
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(120_000)
  WEBHOOK_TIMEOUT_MS: number = 10_000;
}
