/**
 * Deepgram's /v1/speak websocket, declared once: the messages, the limits and the close codes that
 * both the relay and the emulator follow (Deepgram's streaming TTS "Limits" and "TTS
 * troubleshooting: WebSocket, NET and DATA errors" pages).
 */
import { findVoice } from './voices';

export const DEEPGRAM_SPEAK_URL = 'wss://api.deepgram.com/v1/speak';
export const EMULATOR_SPEAK_PATH = '/v1/speak';

/** Query parameters of Deepgram's REST speak endpoint that the websocket does not take. */
export const UPSTREAM_REST_ONLY_PARAMS: readonly string[] = ['container', 'bit_rate'];

// ---- Limits ---------------------------------------------------------------------------------

/** Characters (Unicode code points) one Speak may carry, by model generation. */
export const UPSTREAM_SPEAK_CHAR_LIMITS = { aura1: 2000, aura2: 1000 } as const;

/** The per-Speak character limit of a model: 1,000 on `aura-2-*`, 2,000 on Aura-1 voices. */
export function upstreamSpeakCharLimit(model: string): number {
  return model.startsWith('aura-2-') ? UPSTREAM_SPEAK_CHAR_LIMITS.aura2 : UPSTREAM_SPEAK_CHAR_LIMITS.aura1;
}

/**
 * The largest per-Speak limit of any model (Aura-1's). Splitting by it is only safe on Aura-1:
 * prefer `upstreamSpeakCharLimit(model)`.
 */
export const UPSTREAM_MAX_SPEAK_CHARS = UPSTREAM_SPEAK_CHAR_LIMITS.aura1;

/** Characters of Speak text one connection may send per sliding window; the one over closes 1008 DATA-0001. */
export const UPSTREAM_CHARS_PER_WINDOW = 2400;
export const UPSTREAM_CHAR_WINDOW_MS = 60_000;

/** Flushes per window before the upstream answers with a Warning (and ignores that Flush). */
export const UPSTREAM_FLUSH_LIMIT = 20;
export const UPSTREAM_FLUSH_WINDOW_MS = 60_000;

/** A connection lives at most this long upstream (then 1011 NET-0003). */
export const UPSTREAM_MAX_CONNECTION_MS = 60 * 60_000;

/** The `speed` query parameter: speaking rate, English and Spanish Aura-2 voices only. */
export const UPSTREAM_SPEED = { min: 0.7, max: 1.5, default: 1, languages: ['en', 'es'] } as const;

/** Whether `model` takes the `speed` parameter at all. */
export function supportsSpeed(model: string): boolean {
  const voice = findVoice(model);
  return voice?.generation === 2 && (UPSTREAM_SPEED.languages as readonly string[]).includes(voice.language);
}

/** Whether `speed` is a rate Deepgram accepts for `model`. */
export function isValidSpeed(model: string, speed: number): boolean {
  return supportsSpeed(model) && Number.isFinite(speed) && speed >= UPSTREAM_SPEED.min && speed <= UPSTREAM_SPEED.max;
}

// ---- Messages -------------------------------------------------------------------------------

/** Message types the upstream accepts from us. */
export type UpstreamClientMessage =
  { type: 'Speak'; text: string } | { type: 'Flush' } | { type: 'Clear' } | { type: 'Close' };

export interface UpstreamMetadata {
  type: 'Metadata';
  request_id: string;
  model_name: string;
  model_version: string;
  model_uuid: string;
}
/** Answers a Flush; `sequence_id` counts the connection's Flushes from 0. */
export interface UpstreamFlushed {
  type: 'Flushed';
  sequence_id: number;
}
/** Answers a Clear; `sequence_id` counts the connection's Clears from 0. */
export interface UpstreamCleared {
  type: 'Cleared';
  sequence_id: number;
}
/**
 * Non-fatal notice. Deepgram's API reference names its fields `description`/`code`, but its service
 * sends `warn_msg`/`warn_code` (the flush-limit Warning as captured from production:
 * `{"type":"Warning","warn_code":"EXCESSIVE_FLUSH","warn_msg":"Rate limit exceeded for flushes. Please
 * try again later."}`), so either pair may be the only one present.
 */
export interface UpstreamWarning {
  type: 'Warning';
  description?: string;
  code?: string;
  warn_code?: string;
  warn_msg?: string;
}

/** Text messages the upstream sends (audio comes as binary frames: raw samples, no header). */
export type UpstreamServerMessage = UpstreamMetadata | UpstreamFlushed | UpstreamCleared | UpstreamWarning;

/** Deepgram's code and text for the Warning answering a Flush over its limit (that Flush is ignored). */
export const UPSTREAM_FLUSH_LIMIT_WARNING_CODE = 'EXCESSIVE_FLUSH';
export const UPSTREAM_FLUSH_LIMIT_WARNING_MESSAGE = 'Rate limit exceeded for flushes. Please try again later.';

// ---- Close codes and reasons ----------------------------------------------------------------

/** Close codes the upstream uses. */
export const UpstreamCloseCode = {
  Normal: 1000,
  UnsupportedData: 1003, // MESSAGE-0000: e.g. a binary frame sent to the upstream
  PolicyViolation: 1008, // DATA-*: invalid command, too many characters in the window
  MessageTooBig: 1009, // BIG-*: message or Speak text too large
  InternalError: 1011, // NET-*: internal error, idle, send failed, lifetime
} as const;
export type UpstreamCloseCode = (typeof UpstreamCloseCode)[keyof typeof UpstreamCloseCode];

/** The reason payload of Deepgram's close frames is one of these codes (UTF-8 text, not JSON). */
export const UpstreamCloseReason = {
  UnsupportedMessage: 'MESSAGE-0000',
  InvalidCommand: 'DATA-0000',
  TooManyCharacters: 'DATA-0001',
  MessageTooLarge: 'BIG-0000',
  TextTooLong: 'BIG-0001',
  InternalError: 'NET-0000',
  NothingReceived: 'NET-0001',
  SendFailed: 'NET-0002',
  TimeLimitExceeded: 'NET-0003',
} as const;
export type UpstreamCloseReason = (typeof UpstreamCloseReason)[keyof typeof UpstreamCloseReason];

export interface UpstreamCloseEntry {
  code: UpstreamCloseCode;
  /** What Deepgram's troubleshooting page says the reason means. */
  description: string;
}

/** Every close reason Deepgram documents, with its close code and meaning. */
export const UPSTREAM_CLOSE_TABLE: Readonly<Record<UpstreamCloseReason, UpstreamCloseEntry>> = {
  'MESSAGE-0000': { code: 1003, description: 'Not a supported message type' },
  'DATA-0000': { code: 1008, description: 'Not a valid command' },
  'DATA-0001': { code: 1008, description: 'Too many input characters submitted in recent time window' },
  'BIG-0000': { code: 1009, description: 'Message too large' },
  'BIG-0001': { code: 1009, description: 'Input text has too many characters' },
  'NET-0000': { code: 1011, description: 'Internal server error' },
  'NET-0001': { code: 1011, description: 'Failed to receive message' },
  'NET-0002': { code: 1011, description: 'Failed to send message' },
  'NET-0003': { code: 1011, description: 'Time limit exceeded' },
};

/** The documented entry of a close reason, or undefined for a reason Deepgram does not document. */
export function upstreamCloseEntry(reason: string): UpstreamCloseEntry | undefined {
  return Object.hasOwn(UPSTREAM_CLOSE_TABLE, reason) ? UPSTREAM_CLOSE_TABLE[reason as UpstreamCloseReason] : undefined;
}

/** Response headers of a refused upgrade. */
export const DG_REQUEST_ID_HEADER = 'dg-request-id';
export const DG_ERROR_HEADER = 'dg-error';
