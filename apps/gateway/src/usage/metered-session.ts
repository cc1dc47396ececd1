import { SessionConfig, UsageEvent, usageEventId } from '@tts/protocol';
import { SessionInfo, SessionTap } from '../session/session-hooks';

/**
 * One session's usage counters. The relay's hot path only adds to numbers; the meter's timer
 * turns them into usage events (`<connection_id>:<seq>`, seq from 0).
 */
export class MeteredSession implements SessionTap {
  private audioBytes = 0;
  private characters = 0;
  private seq = 0;
  private intervalStart: Date;
  private ended = false;

  constructor(
    private readonly info: SessionInfo,
    private readonly config: SessionConfig,
    private readonly onEnd: (session: MeteredSession) => Promise<void>,
  ) {
    this.intervalStart = info.openedAt;
  }

  audioDelivered(bytes: number): void {
    this.audioBytes += bytes;
  }

  textSent(characters: number): void {
    this.characters += characters;
  }

  end(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    return this.onEnd(this);
  }

  get companyId(): string {
    return this.info.query.company_id;
  }

  /** The interval so far as an event, or undefined when there is nothing to bill yet. */
  takeInterval(now: Date): UsageEvent | undefined {
    if (this.audioBytes === 0) return undefined;
    return this.take(now, false);
  }

  /** The last event; skipped only when the session never reported anything at all. */
  takeFinal(now: Date): UsageEvent | undefined {
    if (this.seq === 0 && this.audioBytes === 0 && this.characters === 0) return undefined;
    return this.take(now, true);
  }

  private take(now: Date, final: boolean): UsageEvent {
    const { query, connectionId, gatewayId } = this.info;
    const event: UsageEvent = {
      event_id: usageEventId(connectionId, this.seq++),
      company_id: query.company_id,
      user_id: query.user_id,
      session_id: query.session_id,
      connection_id: connectionId,
      gateway_id: gatewayId,
      model: this.config.model,
      encoding: this.config.encoding,
      sample_rate: this.config.sample_rate,
      container: this.config.container,
      audio_bytes: this.audioBytes,
      characters: this.characters,
      interval_start: this.intervalStart.toISOString(),
      interval_end: now.toISOString(),
      final,
    };
    this.audioBytes = 0;
    this.characters = 0;
    this.intervalStart = now;
    return event;
  }
}
