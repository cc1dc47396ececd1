// Queue, job and channel names are persisted in Redis and shared by every pod and version:
// renaming one strands the jobs already queued under the old name.

export enum QueueName {
  TtsUsage = 'tts-usage',
  /** Billing's own: deliveries of low-balance webhooks (outbox rows of its ledger). */
  LowBalanceWebhooks = 'tts-low-balance-webhooks',
}

export enum JobName {
  Usage = 'usage',
  BalanceLow = 'balance.low',
}

/** Pattern (via @nestjs/microservices, namespaced by RedisNamespace.channel) on which billing announces depleted companies. */
export const CREDITS_DEPLETED_PATTERN = 'credits.depleted';

export interface CreditsDepletedEvent {
  company_id: string;
  balance_credits: number;
  /**
   * The ledger's balance version (decimal text) of the change that left the balance at or below zero.
   * A gateway whose cache already holds a later version with credits (a top-up committed before the
   * broadcast arrived) keeps the company's sessions. Absent from billing builds before it was added.
   */
  balance_version?: string;
}

/** Request-reply pattern (namespaced by RedisNamespace.channel): a gateway asks billing for a balance it has not cached. */
export const CREDITS_BALANCE_PATTERN = 'credits.balance';

/**
 * Every key and pub/sub channel one deployment keeps in Redis, derived from its namespace (BULLMQ_PREFIX,
 * also the usage queue's BullMQ prefix) and its Redis db. Deployments sharing a Redis server never meet:
 * - keys start with `<prefix>:tts:<kind>:`, so two prefixes on one db stay apart (different dbs already do);
 * - channels start with `<prefix>:db<n>:`, because Redis pub/sub ignores db numbers.
 * Each kind of key has its own segment and kinds contain no ':', so no company id (which may contain
 * ':') can turn one kind of key into another: `balance:X` is never `balance-version:Y` or `leases:Z`.
 */
export class RedisNamespace {
  private readonly keyRoot: string;
  private readonly channelRoot: string;

  constructor(
    readonly prefix: string,
    readonly db = 0,
  ) {
    this.keyRoot = `${prefix}:tts:`;
    this.channelRoot = `${prefix}:db${db}:`;
  }

  /** A company's last known balance (decimal text), written by billing, read by gateways at connect. */
  balanceKey(companyId: string): string {
    return `${this.keyRoot}balance:${companyId}`;
  }

  /** `<balance_version>@<written at, ms>` of a company's cached balance (see cachedBalanceVersion). */
  balanceVersionKey(companyId: string): string {
    return `${this.keyRoot}balance-version:${companyId}`;
  }

  /** A company's session leases (sorted set of connection ids, scored by expiry). */
  leaseKey(companyId: string): string {
    return `${this.keyRoot}leases:${companyId}`;
  }

  /** The pub/sub channel of a microservice pattern (request-reply adds `.reply` to it). */
  channel(pattern: string): string {
    return this.channelRoot + pattern;
  }
}

/** The ledger version in a balanceVersionKey value (`<balance_version>@<written at, ms>`), if it holds one. */
export function cachedBalanceVersion(stored: string | null): bigint | undefined {
  const match = stored === null ? null : /^(\d+)(@\d*)?$/.exec(stored);
  return match ? BigInt(match[1]) : undefined;
}

export interface CreditsBalanceRequest {
  company_id: string;
}

/** Billing's answer; `balance_credits` is null for an unknown company. */
export interface CreditsBalanceReply {
  company_id: string;
  balance_credits: number | null;
}

/**
 * Retry policy of usage jobs, set by the producer (gateway) on every job: exponential backoff,
 * then the job is kept as failed (never dropped) for the billing team to inspect and retry.
 */
export const USAGE_JOB_ATTEMPTS = 12;
export const USAGE_JOB_BACKOFF_DELAY_MS = 1000;
/** Completed jobs kept for inspection; the ledger, not Redis, is the record of what was billed. */
export const USAGE_JOB_KEEP_COMPLETED = 1000;
