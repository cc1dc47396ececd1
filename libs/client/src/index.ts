export * from './client-events';
export * from './tts-client';
export type { WebSocketConstructor, WebSocketLike } from './websocket-like';
export { CLEAR_ANSWER_TIMEOUT_MS } from './pending-clears';
export * from './tts-player';
export * from './pcm-decoder';
export * from './stream-url';
export * from './audio-unlock';
export { DEFAULT_BACKOFF, backoffDelay, isReconnectable } from './reconnect-backoff';
export type { BackoffOptions } from './reconnect-backoff';
export type { PlayerStats } from './player-worklet';
export { TypedEmitter } from './typed-emitter';
// The contract, so a page needs nothing but this bundle.
export {
  AURA2_VOICES,
  CloseCode,
  DEFAULT_SESSION_CONFIG,
  CONTAINERS,
  DEFAULT_VOICE_BY_LANGUAGE,
  ErrorCode,
  LANGUAGE_NAMES,
  NO_RECONNECT_CLOSE_CODES,
  SAMPLE_RATES,
  SUPPORTED_LANGUAGES,
  VOICES,
} from '@tts/protocol';
export type {
  ConnectedStatus,
  ClosedStatus,
  MetadataFrame,
  FlushedFrame,
  ClearedFrame,
  WarningFrame,
  ErrorFrame,
  RateLimitedFrame,
  Voice,
} from '@tts/protocol';
