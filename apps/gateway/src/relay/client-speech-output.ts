import { SessionConfig } from '@tts/protocol';
import { SessionTap } from '../session/session-hooks';
import { AudioFramer } from './audio-framer';
import { SpeechRelayHost } from './speech-relay-host';
import { ReplyNumbering } from './upstream-replies';

/**
 * What the client receives of its speech: audio framed (WAV or raw, whole samples), the Flush-to-
 * first-audio latency, and Deepgram's answers numbered per session across upstream connections.
 *
 * Upstream chunks read in the same event-loop turn (ws emits every frame of one socket read in a row)
 * go out as one client frame, at the end of the turn: fewer headers, sends and client decodes. Anything
 * that must follow that audio (an answer, the end) sends it first with `sendAudio()`.
 */
export class ClientSpeechOutput {
  private readonly framer: AudioFramer;
  private readonly numbering = new ReplyNumbering();
  private firstAudioSeen = false;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingFlushAt?: number;
  private scheduled = false;
  /** Bound once: one callback per turn with audio, never one per chunk. */
  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    try {
      this.sendAudio();
    } catch (error) {
      this.fault(error as Error); // a throwing tap ends the session, never the process
    }
  };

  constructor(
    config: SessionConfig,
    private readonly tap: SessionTap,
    private readonly host: SpeechRelayHost,
    /** Our own code (or a tap) threw while sending at the end of a turn. */
    private readonly fault: (error: Error) => void,
  ) {
    this.framer = new AudioFramer(config.encoding, config.sample_rate, config.container);
  }

  /** Hot path: one upstream chunk; `flushAt` is the client time of the Flush it answers, if any. */
  audio(chunk: Buffer, flushAt: number | undefined): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.pendingFlushAt = flushAt;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.endOfTurn);
  }

  /** Sends the audio read so far this turn as one frame. */
  sendAudio(): void {
    if (this.pending.length === 0) return;
    const frame = this.framer.frameAll(this.pending, this.pendingBytes);
    this.pending.length = 0;
    this.pendingBytes = 0;
    if (!frame) return;
    if (!this.firstAudioSeen && this.pendingFlushAt !== undefined) {
      this.firstAudioSeen = true;
      this.tap.flushLatency?.(Date.now() - this.pendingFlushAt);
    }
    this.host.sendAudio(frame, this.framer.lastSampleBytes);
  }

  /** `count` client Flushes are answered (0: the gateway's own Flush before a Close). */
  flushed(count: number): void {
    this.sendAudio();
    for (let n = count; n > 0; n--) this.host.sendText(this.numbering.flushed());
    this.firstAudioSeen = false;
    this.host.utteranceDelivered();
  }

  cleared(): void {
    this.dropAudio();
    this.host.sendText(this.numbering.cleared());
    this.host.utteranceDelivered();
  }

  /** Deepgram's Warning, after the audio before it. */
  warning(raw: string): void {
    this.sendAudio();
    this.host.sendText(raw);
  }

  /** Only the first upstream connection's Metadata reaches the client. */
  metadata(raw: string): void {
    const metadata = this.numbering.metadata(raw);
    if (metadata !== undefined) this.host.sendText(metadata);
  }

  /** A Clear: audio not sent yet, the carried odd byte and the latency mark belong to dropped audio. */
  drop(): void {
    this.dropAudio();
    this.firstAudioSeen = false;
  }

  private dropAudio(): void {
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.framer.reset();
  }
}
