import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { UPSTREAM_CLOSE_TABLE, UpstreamCloseReason, UpstreamServerMessage } from '@tts/protocol';
import { SpeechAudio } from '../synth/speech-audio';
import { voicePitchHz } from '../synth/speech-synthesizer';
import { AudioChunker } from './audio-chunker';
import { ConnectionEnd, EmulatedConnection } from './emulated-connection';
import { LimitSettings, SessionLimits } from './session-limits';
import { modelUuid } from './identifiers';
import { SpeakParams } from './speak-request';

export interface SessionSettings extends LimitSettings {
  ttfbMs: number;
  /** Pacing: 1 = real time, 0 = unpaced. Not Deepgram's `speed` (the speaking rate, in SpeakParams). */
  speed: number;
  idleTimeoutMs: number;
  maxConnectionMs: number;
  chunkMs: number;
  /** Keep each Speak text in the connection record (tests read it); off in the process, where nobody does. */
  recordConnections: boolean;
}

interface FlushJob {
  text: string;
  generation: number;
}

/** One emulated /v1/speak connection: Speak accumulates, Flush streams paced audio, Clear barges in. */
export class SpeakSession {
  private queuedText = '';
  private readonly jobs: FlushJob[] = [];
  /** Bumped by Clear and Close: audio of an older generation is never sent after it. */
  private generation = 0;
  private streaming = false;
  private flushedSeq = 0;
  private clearedSeq = 0;
  private readonly limits: SessionLimits;
  private readonly chunker: AudioChunker;
  private idleTimer?: NodeJS.Timeout;
  private readonly lifetimeTimer: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly ws: WebSocket,
    /** The upgraded TCP socket under `ws`: paused to hold a close open (fault `closeLingerMs`). */
    private readonly transport: Pick<Duplex, 'pause' | 'resume'>,
    private readonly record: EmulatedConnection,
    private readonly params: SpeakParams,
    private readonly settings: SessionSettings,
    private readonly finish: (end?: ConnectionEnd) => void,
    private readonly log: Logger,
  ) {
    const fault = record.fault;
    this.limits = new SessionLimits(params.model, settings, fault);
    this.chunker = new AudioChunker(params, settings.chunkMs, fault.oddChunks ?? false, record.id);
    this.lifetimeTimer = setTimeout(() => this.fail('NET-0003'), settings.maxConnectionMs);
    ws.on('message', (data, isBinary) => this.onMessage(data.toString(), isBinary));
    ws.on('close', (code, reason) => this.onClosed({ code, reason: reason.toString(), by: 'client' }));
    ws.on('error', (err) => this.log.warn({ connection: record.id, err: err.message }, 'emulator socket error'));
    this.sendJson({
      type: 'Metadata',
      request_id: record.requestId,
      model_name: params.model,
      model_version: '2025-04-07.0',
      model_uuid: modelUuid(params.model),
    });
    this.armIdle();
  }

  private get idleMs(): number {
    return this.record.fault.idleMs ?? this.settings.idleTimeoutMs;
  }

  private onMessage(text: string, isBinary: boolean): void {
    if (this.ended) return;
    this.armIdle();
    if (isBinary) return this.fail('MESSAGE-0000');
    if (this.settings.recordConnections) this.record.received.push(text);
    let message: { type?: unknown; text?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return this.fail('DATA-0000');
    }
    switch (message?.type) {
      case 'Speak':
        return this.speak(message.text);
      case 'Flush':
        if (this.record.fault.closeOnFlush) return this.closeWithFault();
        return this.flush();
      case 'Clear':
        return this.clear();
      case 'Close':
        // Deepgram closes at once: audio not yet sent is dropped (flush and await Flushed first).
        return this.closeWith(1000, '');
      default:
        return this.fail('DATA-0000');
    }
  }

  private speak(text: unknown): void {
    if (typeof text !== 'string') return this.fail('DATA-0000');
    const overLimit = this.limits.speak(text);
    if (overLimit) return this.fail(overLimit);
    this.queuedText += text;
  }

  private flush(): void {
    const warning = this.limits.flush();
    if (warning) return this.sendJson(warning);
    this.jobs.push({ text: this.queuedText, generation: this.generation });
    this.queuedText = '';
    void this.pump();
  }

  private clear(): void {
    this.generation++;
    this.jobs.length = 0;
    this.queuedText = '';
    this.sendJson({ type: 'Cleared', sequence_id: this.clearedSeq++ });
  }

  private async pump(): Promise<void> {
    if (this.streaming) return;
    this.streaming = true;
    try {
      for (let job = this.jobs.shift(); job && !this.ended; job = this.jobs.shift()) {
        if (await this.stream(job)) this.sendJson({ type: 'Flushed', sequence_id: this.flushedSeq++ });
      }
    } finally {
      this.streaming = false;
      this.armIdle();
    }
  }

  /** Streams one flush's audio; false when it was cut short (Clear, Close, a fault). */
  private async stream(job: FlushJob): Promise<boolean> {
    // Rendered frame by frame just before each is sent: a burst of Flushes costs only its first frames at once.
    const audio = new SpeechAudio(job.text, {
      encoding: this.params.encoding,
      sampleRate: this.params.sampleRate,
      basePitchHz: voicePitchHz(this.params.model),
      speakingRate: this.params.speed,
    });
    const ttfb = this.record.fault.ttfbMs ?? this.settings.ttfbMs;
    if (ttfb > 0) await sleep(ttfb);
    const start = Date.now();
    // The TTFB wait was a turn of the event loop: the first frame goes out in it, not one turn later.
    let yielded = ttfb > 0;
    for (let offset = 0; offset < audio.byteLength;) {
      if (this.ended || job.generation !== this.generation) return false;
      const size = this.chunker.nextSize(audio.byteLength - offset);
      const wait = start + this.chunker.dueMs(offset, this.settings.speed) - Date.now();
      // Even unpaced, yield to the event loop between frames so a Clear can overtake the rest of the audio.
      if (wait > 0) await sleep(wait);
      else if (!yielded) await new Promise<void>((resolve) => setImmediate(resolve));
      yielded = false;
      if (this.ended || job.generation !== this.generation) return false;
      if (!this.sendAudio(audio.read(size))) return false;
      offset += size;
    }
    return !this.ended && job.generation === this.generation;
  }

  /** Sends a frame, honouring the byte-count faults; false once the connection is gone. */
  private sendAudio(chunk: Buffer): boolean {
    const { dropAfterBytes, closeAfterBytes } = this.record.fault;
    const limit = Math.min(dropAfterBytes ?? Infinity, closeAfterBytes ?? Infinity);
    const allowed = Math.min(chunk.length, limit - this.record.audioBytesSent);
    if (allowed > 0) {
      this.ws.send(allowed === chunk.length ? chunk : chunk.subarray(0, allowed));
      this.record.audioBytesSent += allowed;
      this.record.audioFrames++;
    }
    if (allowed === chunk.length && this.record.audioBytesSent < limit) return true;
    if (dropAfterBytes !== undefined && this.record.audioBytesSent >= dropAfterBytes) this.drop();
    else this.closeWithFault();
    return false;
  }

  /** The close a fault asks for: its code and reason (default 1011 NET-0000). */
  private closeWithFault(): void {
    this.closeWith(
      this.record.fault.closeCode ?? UPSTREAM_CLOSE_TABLE['NET-0000'].code,
      this.record.fault.closeReason ?? 'NET-0000',
    );
  }

  private sendJson(message: UpstreamServerMessage): void {
    if (this.ended || this.ws.readyState !== WebSocket.OPEN) return;
    this.record.sent.push(message);
    this.ws.send(JSON.stringify(message));
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.ended) return;
    this.idleTimer = setTimeout(() => {
      // Audio still streaming counts as activity; the timer is re-armed when it ends.
      if (!this.streaming) this.fail('NET-0001');
    }, this.idleMs);
  }

  /** Closes as Deepgram does on an error: the documented code, and the reason code as the payload. */
  private fail(reason: UpstreamCloseReason): void {
    this.closeWith(UPSTREAM_CLOSE_TABLE[reason].code, reason);
  }

  /** Ends the connection from the emulator's side with a close frame. */
  closeWith(code: number, reason: string): void {
    if (this.ended) return;
    this.onClosed({ code, reason, by: 'server' });
    this.ws.close(code, reason);
    const lingerMs = this.record.fault.closeLingerMs;
    if (lingerMs) {
      // The client's answer and FIN stay unread, so the connection closes only after the linger.
      this.transport.pause();
      setTimeout(() => this.transport.resume(), lingerMs).unref();
    }
  }

  private drop(): void {
    if (this.ended) return;
    this.onClosed({ code: 1006, reason: '', by: 'drop' });
    this.ws.terminate();
  }

  private onClosed(end: ConnectionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.generation++;
    this.jobs.length = 0;
    clearTimeout(this.idleTimer);
    clearTimeout(this.lifetimeTimer);
    this.finish(end);
    this.log.info(
      {
        connection: this.record.id,
        request_id: this.record.requestId,
        ...end,
        audio_bytes: this.record.audioBytesSent,
      },
      'emulated speak connection ended',
    );
  }
}
