import { textHeldWarning } from '@tts/protocol';
import { SessionTap } from '../session/session-hooks';
import { OwedSpeech, UpstreamPace } from './owed-speech';
import { SpeechRelayHost } from './speech-relay-host';

/**
 * What others learn about a session's pacing: the held-characters gauge (through the tap, by
 * deltas); once per episode of held text a `text_held` Warning telling the client how long; and a
 * `rate_limited` notice when a Flush waits for Deepgram's Flush allowance.
 */
export class PacingReport {
  private reported = 0;
  private noticeSent = false;

  constructor(
    private readonly owed: OwedSpeech,
    private readonly pace: UpstreamPace,
    private readonly tap: SessionTap,
    private readonly host: SpeechRelayHost,
  ) {}

  /** Text just waited for the character allowance. */
  held(now: number): void {
    if (this.noticeSent || this.owed.heldChars === 0) return;
    this.noticeSent = true;
    this.host.sendText(JSON.stringify(textHeldWarning(this.owed.heldChars, this.owed.heldDelayMs(now))));
  }

  flushDeferred(waitMs: number | undefined): void {
    if (waitMs === undefined) return;
    this.host.sendRateLimited(
      `Flush deferred ${Math.ceil(waitMs / 1000)} s: Deepgram allows ${this.pace.flushLimit} Flushes per ` +
        `${Math.round(this.pace.flushWindowMs / 1000)} s; further Flushes merge into it`,
    );
  }

  /** After every change: the gauge follows; an episode ends when nothing is held. */
  update(): void {
    const held = this.owed.heldChars;
    if (held !== this.reported) this.tap.textHeld?.(held - this.reported);
    this.reported = held;
    if (held === 0) this.noticeSent = false;
  }
}
