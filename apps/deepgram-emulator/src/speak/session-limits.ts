import {
  UPSTREAM_FLUSH_LIMIT_WARNING_CODE,
  UPSTREAM_FLUSH_LIMIT_WARNING_MESSAGE,
  UpstreamCloseReason,
  UpstreamWarning,
  upstreamSpeakCharLimit,
} from '@tts/protocol';
import { characterCount } from '../synth/speech-synthesizer';
import { Fault } from './fault';
import { SlidingWindow } from './sliding-window';

export interface LimitSettings {
  /** Characters of Speak text per sliding window; the Speak that goes over closes 1008 DATA-0001. */
  charsPerWindow: number;
  charWindowMs: number;
  /** Flushes per sliding window; the one over is answered with a Warning and ignored. */
  flushLimit: number;
  flushWindowMs: number;
}

/** Deepgram's limits on one connection: characters per Speak and per window, Flushes per window. */
export class SessionLimits {
  private readonly characters: SlidingWindow;
  private readonly flushes: SlidingWindow;
  private flushesRejected = 0;

  constructor(
    private readonly model: string,
    settings: LimitSettings,
    private readonly fault: Fault,
  ) {
    this.characters = new SlidingWindow(
      fault.charsPerWindow ?? settings.charsPerWindow,
      fault.charWindowMs ?? settings.charWindowMs,
    );
    this.flushes = new SlidingWindow(
      fault.flushLimit ?? settings.flushLimit,
      fault.flushWindowMs ?? settings.flushWindowMs,
    );
  }

  /** Counts a Speak's text; the close reason it earns, or undefined when it is taken. */
  speak(text: string): UpstreamCloseReason | undefined {
    const characters = characterCount(text);
    if (characters > upstreamSpeakCharLimit(this.model)) return 'BIG-0001';
    return this.characters.trySpend(characters) ? undefined : 'DATA-0001';
  }

  /** Counts a Flush; the Warning that answers it when over the limit, or undefined when it is taken. */
  flush(): UpstreamWarning | undefined {
    const injected = this.flushesRejected < (this.fault.rejectFlushes ?? 0);
    if (injected) this.flushesRejected++;
    if (!injected && this.flushes.trySpend(1)) return undefined;
    const code = UPSTREAM_FLUSH_LIMIT_WARNING_CODE;
    const message = UPSTREAM_FLUSH_LIMIT_WARNING_MESSAGE;
    // Deepgram's service sends the warn_* pair only; its reference names description/code: both by default.
    if (this.fault.warnFieldsOnly) return { type: 'Warning', warn_code: code, warn_msg: message };
    return { type: 'Warning', description: message, code, warn_code: code, warn_msg: message };
  }
}
