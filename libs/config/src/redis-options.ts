import Redis from 'ioredis';

/** ioredis connection options from a REDIS_URL, for clients that take options rather than a URL (@nestjs/microservices). */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  /** A Unix socket, when the URL names one. */
  path?: string;
  family?: number;
  username?: string;
  password?: string;
  db: number;
  tls?: object;
}

/**
 * What ioredis connects to for this URL, as ioredis itself reads it (an unconnected client's public
 * `options`): db from `/N` or `?db=N`, IPv6 hosts without brackets, `rediss:` as TLS, decoded credentials.
 * So pub/sub connections built from options, and the namespace's db, agree with every URL-built client.
 */
export function redisConnectionOptions(redisUrl: string): RedisConnectionOptions {
  const parsed = new Redis(redisUrl, { lazyConnect: true });
  const { host, port, path, family, username, password, db, tls } = parsed.options;
  parsed.disconnect();
  return {
    host: host ?? '127.0.0.1',
    port: port ?? 6379,
    db: db ?? 0,
    ...(path ? { path } : {}),
    ...(family ? { family } : {}),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls: typeof tls === 'object' ? tls : {} } : {}),
  };
}

/** Why ioredis could not use this URL as a deployment's Redis (undefined when it can). */
export function redisUrlProblem(redisUrl: string): string | undefined {
  if (!/^rediss?:\/\//.test(redisUrl)) return 'must be a redis:// or rediss:// URL';
  let options: RedisConnectionOptions;
  try {
    options = redisConnectionOptions(redisUrl);
  } catch {
    return 'is not a URL ioredis can parse';
  }
  if (!Number.isInteger(options.db) || options.db < 0) return 'db (the /N path or ?db=N) must be an integer >= 0';
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) return 'port must be 1-65535';
  return undefined;
}

/** Reconnect delay of @nestjs/microservices Redis clients and servers. */
export const MICROSERVICE_REDIS_RETRY_DELAY_MS = 1000;
