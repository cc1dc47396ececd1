/** ioredis connection options from a REDIS_URL, for clients that take options rather than a URL (@nestjs/microservices). */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: object;
}

export function redisConnectionOptions(redisUrl: string): RedisConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: Number(url.pathname.slice(1) || 0),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Reconnect delay of @nestjs/microservices Redis clients and servers. */
export const MICROSERVICE_REDIS_RETRY_DELAY_MS = 1000;

/**
 * Options for @nestjs/microservices' Redis transport. Without retryAttempts Nest stops reconnecting
 * after the first dropped connection, which would silently end pub/sub (e.g. credit cut-offs) for good.
 */
export function microserviceRedisOptions(redisUrl: string): RedisConnectionOptions & {
  retryAttempts: number;
  retryDelay: number;
} {
  return {
    ...redisConnectionOptions(redisUrl),
    retryAttempts: Number.MAX_SAFE_INTEGER,
    retryDelay: MICROSERVICE_REDIS_RETRY_DELAY_MS,
  };
}
