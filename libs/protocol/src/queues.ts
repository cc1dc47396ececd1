// Queue, job and channel names are persisted in Redis and shared by every pod and version:
// renaming one strands the jobs already queued under the old name.

export enum QueueName {
  TtsUsage = 'tts-usage',
}

export enum JobName {
  Usage = 'usage',
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
