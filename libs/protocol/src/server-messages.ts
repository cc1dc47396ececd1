import { ErrorCode } from './errors';
import { UpstreamCleared, UpstreamFlushed, UpstreamMetadata, UpstreamWarning } from './deepgram';
import { SessionConfig } from './session-config';

/** Text frames the gateway sends to a client (PROTOCOL.md section 1). */
export interface ConnectedStatus {
  type: 'status';
  message: 'Deepgram TTS connected';
  model: string;
  encoding: string;
  sample_rate: number;
  container: string;
}

export interface SessionUsage {
  audio_bytes: number;
  seconds: number;
}

export interface ClosedStatus {
  type: 'status';
  message: 'closed';
  usage: SessionUsage;
}

export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
}

/** A non-fatal `rate_limited` notice; `dropped` counts the client messages lost since the last one. */
export interface RateLimitedFrame extends ErrorFrame {
  code: ErrorCode.RateLimited;
  /** Client messages dropped since the previous notice (0: only a Flush was deferred). */
  dropped: number;
  /**
   * How many of them were Clears (no `Cleared` will come for those): a client holding back audio until
   * `Cleared` stops waiting for that many. Always sent by this gateway; absent from older ones.
   */
  dropped_clears?: number;
}

/** Deepgram's own messages, passed through (declared once, in deepgram.ts). */
export type MetadataFrame = UpstreamMetadata;
export type FlushedFrame = UpstreamFlushed;
export type ClearedFrame = UpstreamCleared;
export type WarningFrame = RelayedWarning | TextHeldWarning;

/**
 * Deepgram's Warning as the gateway relays it: `description` and `code` always, filled from
 * `warn_msg`/`warn_code` when Deepgram sent only those (the fields it sent are kept too).
 */
export interface RelayedWarning extends UpstreamWarning {
  description: string;
  code: string;
}

/**
 * The gateway's own Warning: text arrives faster than Deepgram's per-connection character limit, so
 * the gateway holds it and sends it as the limit allows. Sent once per episode of held text.
 */
export interface TextHeldWarning {
  type: 'Warning';
  code: typeof TEXT_HELD_WARNING_CODE;
  description: string;
  held_characters: number;
  estimated_delay_ms: number;
}

export const TEXT_HELD_WARNING_CODE = 'text_held';

export function textHeldWarning(heldCharacters: number, estimatedDelayMs: number): TextHeldWarning {
  const seconds = Math.max(1, Math.ceil(estimatedDelayMs / 1000));
  return {
    type: 'Warning',
    code: TEXT_HELD_WARNING_CODE,
    description: `text arrives faster than the voice service accepts it; ${heldCharacters} characters are held and will be spoken in about ${seconds} s`,
    held_characters: heldCharacters,
    estimated_delay_ms: Math.round(estimatedDelayMs),
  };
}

/** Text frames a client receives; an `error` with code `rate_limited` also carries `dropped`. */
export type ServerMessage =
  | ConnectedStatus
  | ClosedStatus
  | RateLimitedFrame
  | ErrorFrame
  | MetadataFrame
  | FlushedFrame
  | ClearedFrame
  | WarningFrame;

export const CONNECTED_MESSAGE = 'Deepgram TTS connected';

export function connectedStatus(config: SessionConfig): ConnectedStatus {
  return {
    type: 'status',
    message: CONNECTED_MESSAGE,
    model: config.model,
    encoding: config.encoding,
    sample_rate: config.sample_rate,
    container: config.container,
  };
}

export function closedStatus(usage: SessionUsage): ClosedStatus {
  return { type: 'status', message: 'closed', usage };
}

export function errorFrame(code: ErrorCode, message: string): ErrorFrame {
  return { type: 'error', code, message };
}

export function rateLimitedFrame(message: string, dropped: number, droppedClears = 0): RateLimitedFrame {
  return { type: 'error', code: ErrorCode.RateLimited, message, dropped, dropped_clears: droppedClears };
}
