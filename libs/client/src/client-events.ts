import type { AudioEncoding } from '@tts/audio';
import type {
  AudioContainer,
  ClearedFrame,
  ClosedStatus,
  ConnectedStatus,
  ErrorCode,
  FlushedFrame,
  MetadataFrame,
  WarningFrame,
} from '@tts/protocol';

/** The session's audio format, as confirmed by the gateway's `status` message. */
export interface AudioFormat {
  encoding: AudioEncoding;
  sampleRate: number;
  container: AudioContainer;
}

/** One binary frame from the gateway: a WAV file (`container: 'wav'`) or raw samples (`'none'`). */
export interface AudioChunk {
  data: ArrayBuffer;
  format: AudioFormat;
}

/** The optional first message of a session; fields and defaults as in PROTOCOL.md. */
export interface SessionConfigRequest {
  model?: string;
  encoding?: AudioEncoding;
  sample_rate?: number;
  container?: AudioContainer;
  language?: string;
  /** Speaking rate 0.7-1.5 (English and Spanish Aura-2 voices only; elsewhere the session is refused 4400). */
  speed?: number;
}

/** `connection_error`: the socket failed below the protocol (network, TLS, refused upgrade). */
export type TtsErrorCode = ErrorCode | 'connection_error';

export interface TtsError {
  code: TtsErrorCode;
  message: string;
  /** `rate_limited` only: how many of this client's messages the gateway dropped since its last notice. */
  dropped?: number;
}

export interface TtsCloseEvent {
  code: number;
  reason: string;
  /** True when the client will reconnect by itself after `reconnectInMs`. */
  willReconnect: boolean;
  reconnectInMs?: number;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

export interface TtsClientEvents {
  audio: AudioChunk;
  status: ConnectedStatus | ClosedStatus;
  metadata: MetadataFrame;
  flushed: FlushedFrame;
  cleared: ClearedFrame;
  warning: WarningFrame;
  error: TtsError;
  close: TtsCloseEvent;
  state: ConnectionState;
  /** Local: `clear()` was called; players drop what they hold without waiting for the round trip. */
  interrupt: void;
}
