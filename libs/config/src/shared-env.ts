import { Expose } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { redisUrlProblem } from './redis-options';
import { ToNumber } from './transforms';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** BullMQ's own default key prefix. */
export const DEFAULT_BULLMQ_PREFIX = 'bull';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tts';

/** pino levels, for LOG_LEVEL. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class LogEnv {
  /** pino level of the process's JSON logs. */
  @Expose()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: string = 'info';
}

/** A URL ioredis can use as is: the namespace's db is what ioredis connects to (`/N` or `?db=N`). */
function IsRedisUrl() {
  return ValidateBy({
    name: 'isRedisUrl',
    validator: {
      validate: (value) => typeof value === 'string' && redisUrlProblem(value) === undefined,
      // The reason, never the URL (it may carry a password).
      defaultMessage: (args) => `${redisUrlProblem(String(args?.value))}`,
    },
  });
}

export class RedisEnv extends LogEnv {
  @Expose()
  @IsString()
  @IsRedisUrl()
  REDIS_URL: string = DEFAULT_REDIS_URL;

  /** BullMQ key prefix of the usage queue; producers and consumers must agree (tests isolate with their own). */
  @Expose()
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]+$/, { message: 'letters, digits and _.:- only' })
  BULLMQ_PREFIX: string = DEFAULT_BULLMQ_PREFIX;
}

export class UsageEnv extends RedisEnv {
  @Expose()
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  USAGE_FLUSH_INTERVAL_MS: number = 5000;
}
