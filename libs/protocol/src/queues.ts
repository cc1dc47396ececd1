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

/** Redis pub/sub channel (via @nestjs/microservices) on which billing announces depleted companies. */
export const CREDITS_DEPLETED_PATTERN = 'credits.depleted';

export interface CreditsDepletedEvent {
  company_id: string;
  balance_credits: number;
}

/** Redis key prefix for per-company session leases (sorted set of connection ids, scored by expiry). */
export const SESSION_LEASE_KEY_PREFIX = 'tts:leases:';
/** Redis key holding a company's last known balance, written by billing, read by gateways at connect. */
export const CREDIT_BALANCE_KEY_PREFIX = 'tts:balance:';

/** Request-reply pattern (via @nestjs/microservices over Redis): a gateway asks billing for a balance it has not cached. */
export const CREDITS_BALANCE_PATTERN = 'credits.balance';

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
