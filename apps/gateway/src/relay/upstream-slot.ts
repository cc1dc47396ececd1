import { Logger } from 'pino';
import { UpstreamClientMessage } from '@tts/protocol';
import { UpstreamListener } from '../upstream/upstream-connection';
import { OpenUpstream, UpstreamLink } from './speech-relay-host';

/**
 * The session's current upstream link, if any: opened, announced open, replaced or retired. Nothing is
 * written before the link announces its open (a pooled link is open before it says so), and a paused
 * session's new link starts paused.
 */
export class UpstreamSlot {
  private link?: UpstreamLink;
  private announced = false;
  private paused = false;

  constructor(
    private readonly openUpstream: OpenUpstream,
    private readonly listener: UpstreamListener,
    private readonly maxAgeMs: number,
    private readonly log: Logger,
  ) {}

  /** A link exists (connecting or open). */
  get present(): boolean {
    return this.link !== undefined;
  }

  /** The link announced its open and is not closing: writes go to Deepgram now. */
  get writable(): boolean {
    return this.announced && this.link!.isOpen;
  }

  /** Deepgram's close frame is here and the link has not ended yet: nothing sent on it would count. */
  get closing(): boolean {
    return this.announced && !this.link!.isOpen;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  open(): void {
    this.announced = false;
    this.link = this.openUpstream(this.listener);
    if (this.paused) this.link.pause();
  }

  opened(): void {
    this.announced = true;
  }

  /** The link ended (its close reached the listener). */
  ended(): void {
    this.link = undefined;
    this.announced = false;
  }

  send(message: UpstreamClientMessage): void {
    this.link!.send(message);
  }

  pause(): void {
    this.paused = true;
    this.link?.pause();
  }

  resume(): void {
    this.paused = false;
    this.link?.resume();
  }

  /** Retires an open link older than the limit (the caller knows it owes nothing). True when it did. */
  retireIfOld(): boolean {
    const link = this.link;
    if (!link || !this.announced || link.ageMs <= this.maxAgeMs) return false;
    this.log.info({ age_ms: link.ageMs }, 'retiring an old upstream connection before its lifetime limit');
    link.retire();
    this.ended();
    return true;
  }

  /** Drops the link at once, without a Close. */
  abort(): void {
    this.link?.abort();
    this.ended();
  }
}
