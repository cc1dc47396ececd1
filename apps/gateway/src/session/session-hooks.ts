import { IncomingMessage } from 'http';
import { ErrorCode, SessionConfig, StreamQuery } from '@tts/protocol';
import { UpstreamFailure } from '../upstream/upstream-failure';

/** What every extension knows of a client session. */
export interface SessionInfo {
  /** Unique per WebSocket connection (random UUID); the prefix of its usage event ids. */
  connectionId: string;
  /** This gateway process (pod name or host:pid). */
  gatewayId: string;
  query: StreamQuery;
  /** The upgrade request: headers (Authorization, Cookie, Origin, Host) and remote address. */
  request: IncomingMessage;
  openedAt: Date;
}

/** Lets an extension end a running session (credit cut-off, drain, lease loss). */
export interface SessionControl {
  /** Sends the error frame, then closes with the code's close code. Idempotent. */
  terminate(code: ErrorCode, message: string): void;
}

/**
 * Runs before a connection becomes a session: one step of ADMISSION_PIPELINE (admission-pipeline.ts),
 * which says where it runs. Throw a SessionError to refuse; return a release callback to be called
 * once when the session ends.
 */
export interface SessionAdmission {
  admit(session: SessionInfo): Promise<SessionRelease | void>;
}
export type SessionRelease = () => void | Promise<void>;

/** Observes a running session from the moment its config is known (usage metering, metrics). */
export interface SessionObserver {
  onSessionStart(session: SessionInfo, config: SessionConfig, control: SessionControl): SessionTap;
}

/** Per-session callbacks on the relay's path; they must be cheap (counters only, no I/O). */
export interface SessionTap {
  /** Billable sample bytes just delivered to the client (WAV headers excluded). */
  audioDelivered(bytes: number): void;
  /** Characters just sent upstream. */
  textSent(characters: number): void;
  /** Milliseconds from a client Flush to the first audio byte of that flush sent to the client. */
  flushLatency?(ms: number): void;
  /** Characters held back by pacing changed by `delta` (text over Deepgram's per-minute limit). */
  textHeld?(delta: number): void;
  /** A piece of text went upstream after being held this long. */
  textHeldFor?(ms: number): void;
  /** The upstream refused or dropped the connection and the session ends (never carries a key). */
  upstreamError?(failure: UpstreamFailure): void;
  /** The session has ended; resolves when its final usage is safely handed off. */
  end(): Promise<void>;
}
