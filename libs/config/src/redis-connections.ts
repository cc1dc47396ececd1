import { DynamicModule, Global, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisNamespace } from '@tts/protocol';
import { MICROSERVICE_REDIS_RETRY_DELAY_MS, RedisConnectionOptions, redisConnectionOptions } from './redis-options';
import { RedisEnv } from './shared-env';

/** Default command timeout of `commands` clients: a hung Redis must not hold a connect or a request. */
const REDIS_COMMAND_TIMEOUT_MS = 2000;

export interface CommandClientOptions {
  commandTimeoutMs?: number;
  /** Retries of one command across a reconnect; 0 for a probe that must report the outage itself. */
  retries?: number;
}

/** Options of the @nestjs/microservices Redis transport (it opens its own publisher and subscriber from them). */
export type PubSubOptions = RedisConnectionOptions & {
  retryAttempts: number;
  retryDelay: number;
  connectionName: string;
};

/**
 * Every Redis connection of one app, built from the validated config and named by role (CLIENT LIST
 * shows `<app>:<role>:<purpose>`), plus the deployment's RedisNamespace:
 * - `commands`: GET/MGET/Lua for leases, the balance cache, probes. Fail fast (no offline queue, one retry,
 *   a command timeout): a connect or request is refused or retried by its owner rather than left hanging.
 * - `bullmq`: options for BullMQ, which opens (and closes) its own clients; the queue's prefix is the namespace.
 * - `pubsub`: options for the microservices transport's publisher and subscriber; it reconnects for ever,
 *   because a subscriber that gives up silently ends credit cut-offs.
 * `close()` ends every `commands` client; the global module calls it after every other module's shutdown.
 */
export class RedisConnections {
  readonly namespace: RedisNamespace;
  private readonly clients = new Set<Redis>();

  constructor(
    private readonly env: Pick<RedisEnv, 'REDIS_URL' | 'BULLMQ_PREFIX'>,
    private readonly app: string,
  ) {
    this.namespace = redisNamespace(env);
  }

  /** A client for commands, connecting now. Connection errors are for its owner to report (or ignore). */
  commands(purpose: string, options: CommandClientOptions = {}): Redis {
    const client = new Redis(this.env.REDIS_URL, {
      connectionName: this.name('commands', purpose),
      enableOfflineQueue: false,
      maxRetriesPerRequest: options.retries ?? 1,
      commandTimeout: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    });
    client.on('error', () => undefined);
    client.once('end', () => this.clients.delete(client));
    this.clients.add(client);
    return client;
  }

  /** BullMQ's connection and prefix; `extra` holds the role's own tuning (fail-fast producer, blocking worker). */
  bullmq(purpose: string, extra: Record<string, unknown> = {}) {
    return {
      prefix: this.namespace.prefix,
      connection: { url: this.env.REDIS_URL, connectionName: this.name('bullmq', purpose), ...extra },
    };
  }

  pubsub(purpose: string): PubSubOptions {
    return {
      ...redisConnectionOptions(this.env.REDIS_URL),
      connectionName: this.name('pubsub', purpose),
      retryAttempts: Number.MAX_SAFE_INTEGER,
      retryDelay: MICROSERVICE_REDIS_RETRY_DELAY_MS,
    };
  }

  close(): void {
    for (const client of this.clients) client.disconnect();
    this.clients.clear();
  }

  private name(role: string, purpose: string): string {
    return `${this.app}:${role}:${purpose}`;
  }
}

/** Resolves once the client is ready, or after `timeoutMs` (a boot goes on without Redis; owners retry). */
export function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once('ready', done);
  });
}

/** The deployment's namespace: BULLMQ_PREFIX plus the db of REDIS_URL (pub/sub ignores dbs). */
export function redisNamespace(env: Pick<RedisEnv, 'REDIS_URL' | 'BULLMQ_PREFIX'>): RedisNamespace {
  return new RedisNamespace(env.BULLMQ_PREFIX, redisConnectionOptions(env.REDIS_URL).db);
}

/** Provides the app's RedisConnections and RedisNamespace everywhere; global, so it shuts down after every feature module. */
@Global()
@Module({})
export class RedisConnectionsModule implements OnApplicationShutdown {
  constructor(private readonly connections: RedisConnections) {}

  static forRoot(env: Pick<RedisEnv, 'REDIS_URL' | 'BULLMQ_PREFIX'>, app: string): DynamicModule {
    const connections = new RedisConnections(env, app);
    return {
      module: RedisConnectionsModule,
      providers: [
        { provide: RedisConnections, useValue: connections },
        { provide: RedisNamespace, useValue: connections.namespace },
      ],
      exports: [RedisConnections, RedisNamespace],
    };
  }

  onApplicationShutdown(): void {
    this.connections.close();
  }
}
