import { SessionConfig } from '@tts/protocol';
import { SessionTap } from '../session/session-hooks';
import { AudioFramer } from './audio-framer';
import { SpeechRelayHost } from './speech-relay-host';
import { ReplyNumbering } from './upstream-replies';

/**
 * What the client receives of its speech: audio framed (WAV or raw, whole samples), the Flush-to-
 * first-audio latency, and Deepgram's answers numbered per session across upstream connections.
 */
export class ClientSpeechOutput {
  private readonly framer: AudioFramer;
  private readonly numbering = new ReplyNumbering();
  private firstAudioSeen = false;

  constructor(
    config: SessionConfig,
    private readonly tap: SessionTap,
    private readonly host: SpeechRelayHost,
  ) {
    this.framer = new AudioFramer(config.encoding, config.sample_rate, config.container);
  }

  /** Hot path: one upstream chunk; `flushAt` is the client time of the Flush it answers, if any. */
  audio(chunk: Buffer, flushAt: number | undefined): void {
    const frame = this.framer.frame(chunk);
    if (!frame) return;
    if (!this.firstAudioSeen && flushAt !== undefined) {
      this.firstAudioSeen = true;
      this.tap.flushLatency?.(Date.now() - flushAt);
    }
    this.host.sendAudio(frame, this.framer.lastSampleBytes);
  }

  /** `count` client Flushes are answered (0: the gateway's own Flush before a Close). */
  flushed(count: number): void {
    for (let n = count; n > 0; n--) this.host.sendText(this.numbering.flushed());
    this.firstAudioSeen = false;
    this.host.utteranceDelivered();
  }

  cleared(): void {
    this.framer.reset();
    this.host.sendText(this.numbering.cleared());
    this.host.utteranceDelivered();
  }

  /** Only the first upstream connection's Metadata reaches the client. */
  metadata(raw: string): void {
    const metadata = this.numbering.metadata(raw);
    if (metadata !== undefined) this.host.sendText(metadata);
  }

  /** A Clear: the carried odd byte and the latency mark belong to dropped audio. */
  drop(): void {
    this.framer.reset();
    this.firstAudioSeen = false;
  }
}
