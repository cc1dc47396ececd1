import { UpstreamConnection, UpstreamListener } from '../upstream/upstream-connection';

/** What the speech relay needs from its client session. */
export interface SpeechRelayHost {
  /** The upstream opened for the first time. */
  speechConnected(): void;
  sendAudio(frame: Buffer, sampleBytes: number): void;
  /** A text frame for the client: Deepgram's (renumbered where needed) or the gateway's own Warning. */
  sendText(raw: string): void;
  /** An utterance was fully delivered (Flushed or Cleared): the session is quiet again from here. */
  utteranceDelivered(): void;
  /** A request was limited but not lost (non-fatal `rate_limited`). */
  sendRateLimited(message: string): void;
  /** The upstream finished after our Close: all audio was delivered. */
  speechFinished(): void;
  /** The upstream refused or dropped the connection and it could not be restored. */
  speechFailed(message: string): void;
}

/** The upstream as the relay drives it (an `UpstreamConnection`, or a stand-in in unit specs). */
export type UpstreamLink = Pick<
  UpstreamConnection,
  'send' | 'pause' | 'resume' | 'retire' | 'abort' | 'isOpen' | 'ageMs'
>;
export type OpenUpstream = (listener: UpstreamListener) => UpstreamLink;
