import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import Redis from 'ioredis';
import { firstValueFrom } from 'rxjs';
import { setTimeout as sleep } from 'timers/promises';
import { RedisConnections, whenReady } from '@tts/config';
import {
  CREDITS_DEPLETED_PATTERN,
  CreditsDepletedEvent,
  RedisNamespace,
  parseUnits,
  toReportedNumber,
} from '@tts/protocol';
import { GATEWAY_EVENTS } from '../config/billing-env.provider';
import { BALANCE_PUBLISH_ATTEMPTS, BALANCE_PUBLISH_RETRY_BASE_MS } from '../config/billing.constants';
import { BalanceChange } from '../ledger/credit-ledger.service';
import { BalanceWriteMode, SET_BALANCES } from './balance-cache.script';

const CHUNK = 250;
/** How long boot waits for Redis before the warm-up (which the periodic refresh repeats anyway). */
const BALANCE_REDIS_READY_TIMEOUT_MS = 2000;

type BalanceRedis = Redis & { setBalances(keyCount: number, ...keysThenArgs: string[]): Promise<number> };

/**
 * Keeps the balance gateways read at connect (RedisNamespace.balanceKey) equal to the ledger and, when
 * a decrease leaves a balance at or below zero, tells every gateway to end that company's sessions.
 */
@Injectable()
export class BalancePublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly redis: BalanceRedis;
  private readonly namespace: RedisNamespace;
  private closing = false;

  constructor(
    redis: RedisConnections,
    @Inject(GATEWAY_EVENTS) private readonly gateways: ClientProxy,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(BalancePublisher.name);
    this.namespace = redis.namespace;
    // A fail-fast `commands` client: every write here is retried with backoff (or by the next refresh).
    this.redis = redis.commands('balance-cache') as BalanceRedis;
    this.redis.defineCommand('setBalances', { lua: SET_BALANCES });
  }

  async onModuleInit(): Promise<void> {
    this.redis.on('error', (e) => this.logger.warn({ err: e.message }, 'balance cache redis error'));
    await whenReady(this.redis, BALANCE_REDIS_READY_TIMEOUT_MS);
  }

  /**
   * Balances just committed by a change. Cache writes and announcements are retried with backoff
   * (the ledger is committed: the batch must not fail here); the periodic refresh heals what still fails.
   */
  async publish(changes: BalanceChange[]): Promise<void> {
    if (changes.length === 0) return;
    for (let i = 0; i < changes.length; i += CHUNK) {
      const chunk = changes.slice(i, i + CHUNK);
      await this.retried('balance cache write', { companies: chunk.length }, () =>
        this.write(chunk, BalanceWriteMode.Live),
      );
    }
    for (const c of changes) {
      if (c.decreased && parseUnits(c.balance) <= 0n) await this.depleted(c);
    }
  }

  /**
   * Balances read from the database by `read`, written to the cache as a snapshot; one attempt (the next
   * refresh is the retry). Redis's clock is read first: a live write landing after that time is never
   * undone, however late this write lands. Returns what `read` returned, and how many were written
   * (none when Redis does not answer: the cache is a courtesy, the read still counts).
   */
  async publishSnapshot<T extends BalanceChange>(read: () => Promise<T[]>): Promise<{ rows: T[]; written: number }> {
    const readAt = await this.redis.time().then(
      ([seconds, micros]) => Number(seconds) * 1000 + Math.floor(Number(micros) / 1000),
      () => undefined,
    );
    const rows = await read();
    let written = 0;
    if (readAt === undefined) return { rows, written };
    for (let i = 0; i < rows.length; i += CHUNK) {
      written += await this.write(rows.slice(i, i + CHUNK), BalanceWriteMode.Snapshot, readAt);
    }
    return { rows, written };
  }

  private write(chunk: BalanceChange[], mode: BalanceWriteMode, readAt = 0): Promise<number> {
    const keys = chunk.flatMap((c) => [
      this.namespace.balanceKey(c.companyId),
      this.namespace.balanceVersionKey(c.companyId),
    ]);
    const args = chunk.flatMap((c) => [c.balance, c.version]);
    return this.redis.setBalances(keys.length, ...keys, mode, String(readAt), ...args);
  }

  private async depleted(change: BalanceChange): Promise<void> {
    const event: CreditsDepletedEvent = {
      company_id: change.companyId,
      balance_credits: toReportedNumber(change.balance),
      balance_version: change.version,
    };
    this.logger.info({ company_id: change.companyId, balance_credits: event.balance_credits }, 'credits depleted');
    await this.retried('depletion broadcast', { company_id: change.companyId }, () =>
      firstValueFrom(this.gateways.emit(this.namespace.channel(CREDITS_DEPLETED_PATTERN), event), {
        defaultValue: undefined,
      }),
    );
  }

  /** Runs `attempt` up to BALANCE_PUBLISH_ATTEMPTS times with exponential backoff; never throws. */
  private async retried(what: string, context: object, attempt: () => Promise<unknown>): Promise<void> {
    for (let n = 1; ; n++) {
      try {
        await attempt();
        return;
      } catch (e) {
        const last = n >= BALANCE_PUBLISH_ATTEMPTS || this.closing;
        this.logger[last ? 'error' : 'warn']({ ...context, err: (e as Error).message, attempt: n }, `${what} failed`);
        if (last) return;
        await sleep(BALANCE_PUBLISH_RETRY_BASE_MS * 2 ** (n - 1));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.gateways.close();
  }
}
