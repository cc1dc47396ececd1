import { AudioEncoding } from '@tts/audio';
import { AudioContainer } from './session-config';

/**
 * One interval of one session's streamed audio, published by the gateway, applied by billing.
 * Persisted in Redis (BullMQ) and in the ledger: fields may be added, never renamed.
 */
export interface UsageEvent {
  /** `<connection_id>:<seq>`, deterministic, so a retried publish can never bill twice. */
  event_id: string;
  company_id: string;
  user_id: string;
  session_id: string;
  connection_id: string;
  gateway_id: string;
  model: string;
  encoding: AudioEncoding;
  sample_rate: number;
  container: AudioContainer;
  /** Billable sample bytes delivered to the client in this interval (WAV headers excluded). */
  audio_bytes: number;
  /** Characters sent upstream in this interval. */
  characters: number;
  /** ISO-8601 timestamps. */
  interval_start: string;
  interval_end: string;
  /** True on the session's last event. */
  final: boolean;
}

/** Longest `gateway_id` billing stores (its usage_ledger column): a longer one would fail every event. */
export const GATEWAY_ID_MAX_LENGTH = 200;

export function usageEventId(connectionId: string, seq: number): string {
  return `${connectionId}:${seq}`;
}

/**
 * The BullMQ jobId of a usage event: its event_id, with ':' (which BullMQ refuses in custom ids, it
 * separates Redis keys) escaped as '%3A' and '%' as '%25', so the mapping stays one-to-one and deterministic.
 */
export function usageJobId(eventId: string): string {
  return eventId.replace(/%/g, '%25').replace(/:/g, '%3A');
}
