import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import Redis from 'ioredis';
import { firstValueFrom } from 'rxjs';
import { BillingEnv } from '@tts/config';
import { CREDIT_BALANCE_KEY_PREFIX, CREDITS_DEPLETED_PATTERN, CreditsDepletedEvent } from '@tts/protocol';
import { BILLING_ENV, GATEWAY_EVENTS } from '../config/billing-env.provider';
import { parseUnits, toReportedNumber } from '../ledger/credit-units';
import { BalanceChange } from '../ledger/credit-ledger.service';

/** Version suffix key: a late write of an older balance must not overwrite a newer one. */
const VERSION_SUFFIX = ':v';
/** KEYS: balance, version pairs; ARGV: value, version pairs. One call per chunk of companies. */
const SET_IF_NEWER = `
local written = 0
for i = 1, #KEYS, 2 do
  local v = redis.call('GET', KEYS[i + 1])
  if not v or tonumber(v) < tonumber(ARGV[i + 1]) then
    redis.call('SET', KEYS[i], ARGV[i])
    redis.call('SET', KEYS[i + 1], ARGV[i + 1])
    written = written + 1
  end
end
return written`;
const CHUNK = 250;

type BalanceRedis = Redis & { setBalancesIfNewer(keyCount: number, ...keysThenArgs: string[]): Promise<number> };

/**
 * After every committed balance change: refreshes the balance gateways read at connect
 * (`tts:balance:<company>`) and, when the balance is at or below zero after a decrease,
 * tells every gateway to end that company's sessions.
 */
@Injectable()
export class BalancePublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly redis: BalanceRedis;

  constructor(
    @Inject(BILLING_ENV) env: BillingEnv,
    @Inject(GATEWAY_EVENTS) private readonly gateways: ClientProxy,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(BalancePublisher.name);
    this.redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true }) as BalanceRedis;
    this.redis.defineCommand('setBalancesIfNewer', { lua: SET_IF_NEWER });
    this.redis.on('error', (e) => this.logger.warn({ err: e.message }, 'balance cache redis error'));
  }

  async onModuleInit(): Promise<void> {
    await this.redis.connect().catch(() => undefined);
  }

  async publish(changes: BalanceChange[]): Promise<void> {
    if (changes.length === 0) return;
    // The cache is advisory (admission at connect); the ledger is already committed, so never fail the batch here.
    for (let i = 0; i < changes.length; i += CHUNK) {
      const chunk = changes.slice(i, i + CHUNK);
      const keys = chunk.flatMap((c) => [
        CREDIT_BALANCE_KEY_PREFIX + c.companyId,
        CREDIT_BALANCE_KEY_PREFIX + c.companyId + VERSION_SUFFIX,
      ]);
      const args = chunk.flatMap((c) => [c.balance, c.version]);
      await this.redis
        .setBalancesIfNewer(keys.length, ...keys, ...args)
        .catch((e: Error) => this.logger.warn({ err: e.message }, 'balance cache write failed'));
    }
    for (const c of changes) {
      if (c.decreased && parseUnits(c.balance) <= 0n) await this.depleted(c);
    }
  }

  private async depleted(change: BalanceChange): Promise<void> {
    const event: CreditsDepletedEvent = {
      company_id: change.companyId,
      balance_credits: toReportedNumber(change.balance),
    };
    this.logger.info({ company_id: change.companyId, balance_credits: event.balance_credits }, 'credits depleted');
    await firstValueFrom(this.gateways.emit(CREDITS_DEPLETED_PATTERN, event), { defaultValue: undefined }).catch(
      (e: Error) => this.logger.warn({ company_id: change.companyId, err: e.message }, 'depletion broadcast failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
    await this.gateways.close();
  }
}
