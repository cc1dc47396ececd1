import type { AudioChunk, AudioFormat } from './client-events';
import { PcmDecoder } from './pcm-decoder';
import {
  PLAYER_PROCESSOR_NAME,
  PLAYER_WORKLET_SOURCE,
  PlayerCommand,
  PlayerReport,
  PlayerStats,
} from './player-worklet';
import type { TtsClient } from './tts-client';
import { TypedEmitter } from './typed-emitter';
import { unlockOnGesture } from './audio-unlock';

export interface TtsPlayerOptions {
  /** Bring your own context (e.g. to share it); by default the player makes one at the device's rate. */
  context?: AudioContext;
  /** Speech buffered before playback starts; grows after each underrun up to `maxPrebufferMs`. */
  prebufferMs?: number;
  maxPrebufferMs?: number;
  /** Where to listen for the first user gesture that unlocks audio; `null` to not listen. Default: document. */
  unlockTarget?: EventTarget | null;
}

export interface TtsPlayerEvents {
  /** The first sample of an utterance is being rendered. */
  utterancestart: void;
  /**
   * The utterance's Flushed marker was reached in the playback stream: everything before it has been played.
   * When the attached client's connection ended before the Flushed came (a drop, a close), the utterance ends
   * where its audio ran out instead: `sequenceId` -1 and `incomplete: true`.
   */
  utteranceend: { sequenceId: number; incomplete?: true };
  underrun: { underruns: number; prebufferMs: number };
  /** `clear()` dropped everything buffered. */
  cleared: void;
}

/** Margin against network and timer jitter of a source paced at real time; costs as much start latency. */
export const DEFAULT_PREBUFFER_MS = 100;

const loadedContexts = new WeakMap<BaseAudioContext, Promise<void>>();

function loadProcessor(context: BaseAudioContext): Promise<void> {
  let loaded = loadedContexts.get(context);
  if (!loaded) {
    const url = URL.createObjectURL(new Blob([PLAYER_WORKLET_SOURCE], { type: 'text/javascript' }));
    loaded = context.audioWorklet.addModule(url).finally(() => URL.revokeObjectURL(url));
    loadedContexts.set(context, loaded);
  }
  return loaded;
}

/**
 * Streams the gateway's audio to the speakers through an AudioWorklet: decodes linear16/mulaw/alaw (raw or
 * WAV frames), resamples to the context's rate, smooths network jitter, and stops within one render quantum
 * on `clear()`.
 */
export class TtsPlayer extends TypedEmitter<TtsPlayerEvents> {
  readonly context: AudioContext;
  /**
   * What the player sends to the speakers, for taps such as a level meter:
   * `player.output.connect(context.createAnalyser())`.
   */
  readonly output: GainNode;
  /** Resolves once the worklet runs; chunks enqueued before are held and sent then. */
  readonly ready: Promise<void>;
  private node: AudioWorkletNode | undefined;
  private readonly held: Array<{ command: PlayerCommand; transfer: Transferable[] }> = [];
  private decoder: PcmDecoder | undefined;
  private readonly prebufferMs: number;
  private readonly maxPrebufferMs: number;
  private readonly stopUnlock: () => void;
  private readonly statsRequests = new Map<number, (stats: PlayerStats) => void>();
  private nextRequestId = 0;
  private underrunCount = 0;
  private closed = false;

  constructor(options: TtsPlayerOptions = {}) {
    super();
    this.context = options.context ?? new AudioContext({ latencyHint: 'interactive' });
    this.output = this.context.createGain();
    this.output.connect(this.context.destination);
    this.prebufferMs = options.prebufferMs ?? DEFAULT_PREBUFFER_MS;
    this.maxPrebufferMs = options.maxPrebufferMs ?? 500;
    this.stopUnlock =
      options.unlockTarget === null ? () => undefined : unlockOnGesture(this.context, options.unlockTarget);
    this.ready = this.start();
    // Awaiting `ready` still sees a failure; nobody awaiting it must not make it an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Underruns so far (mid-utterance buffer exhaustion). */
  get underruns(): number {
    return this.underrunCount;
  }

  /**
   * Plays a client's audio, ends utterances on its Flushed markers and drops everything on its clear(). When
   * its connection ends mid-utterance (a drop: its Flushed will never come), the audio already here is played
   * out and the utterance ends there.
   */
  attach(client: TtsClient): () => void {
    const offs = [
      client.on('audio', (chunk) => this.enqueue(chunk)),
      client.on('flushed', (flushed) => this.markUtteranceEnd(flushed.sequence_id)),
      client.on('interrupt', () => this.clear()),
      client.on('close', () => this.endUtterance()),
    ];
    return () => offs.forEach((off) => off());
  }

  enqueue(chunk: AudioChunk): void {
    const decoder = this.decoderFor(chunk.format);
    const samples = decoder.decode(chunk.data);
    if (samples.length > 0) this.post({ type: 'samples', samples }, [samples.buffer]);
  }

  /** Marks the end of an utterance at the current end of the stream; `utteranceend` fires when it is played. */
  markUtteranceEnd(sequenceId: number): void {
    this.post({ type: 'mark', id: sequenceId });
  }

  /**
   * Ends the utterance being played (or buffered) where its audio ends now, for a stream that will not send
   * its marker (the connection dropped): the rest plays out, then `utteranceend` (`sequenceId` -1,
   * `incomplete: true`), without an underrun. Does nothing when no utterance is open or it already has its end.
   */
  endUtterance(): void {
    this.post({ type: 'finish', id: -1 });
  }

  /** Barge-in: silence from the next render quantum on. */
  clear(): void {
    this.decoder?.reset();
    const kept = this.held.filter(({ command }) => command.type === 'configure');
    this.held.splice(0, this.held.length, ...kept);
    this.post({ type: 'clear' });
    this.emit('cleared', undefined);
  }

  /** Counters from the render thread (played frames and samples, underruns, buffer). */
  async stats(): Promise<PlayerStats> {
    await this.ready;
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      this.statsRequests.set(requestId, resolve);
      this.post({ type: 'stats', requestId });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopUnlock();
    this.node?.disconnect();
    this.output.disconnect();
    if (this.context.state !== 'closed') await this.context.close();
  }

  /** Loads the worklet and starts the node; a player closed meanwhile stops here quietly. */
  private async start(): Promise<void> {
    try {
      await loadProcessor(this.context);
    } catch (error) {
      if (this.isClosed()) return;
      throw error;
    }
    if (this.isClosed()) return;
    const node = new AudioWorkletNode(this.context, PLAYER_PROCESSOR_NAME, {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    node.port.onmessage = (event: MessageEvent<PlayerReport>) => this.report(event.data);
    node.connect(this.output);
    this.node = node;
    for (const { command, transfer } of this.held.splice(0)) node.port.postMessage(command, transfer);
  }

  private isClosed(): boolean {
    return this.closed || this.context.state === 'closed';
  }

  private decoderFor(format: AudioFormat): PcmDecoder {
    const current = this.decoder?.format;
    if (
      !this.decoder ||
      current!.encoding !== format.encoding ||
      current!.sampleRate !== format.sampleRate ||
      current!.container !== format.container
    ) {
      this.decoder = new PcmDecoder(format);
      this.post({
        type: 'configure',
        sourceRate: format.sampleRate,
        prebufferMs: this.prebufferMs,
        maxPrebufferMs: this.maxPrebufferMs,
      });
    }
    return this.decoder;
  }

  private post(command: PlayerCommand, transfer: Transferable[] = []): void {
    if (this.node) this.node.port.postMessage(command, transfer);
    else this.held.push({ command, transfer });
  }

  private report(message: PlayerReport): void {
    switch (message.type) {
      case 'start':
        return this.emit('utterancestart', undefined);
      case 'end':
        return this.emit(
          'utteranceend',
          message.id < 0 ? { sequenceId: -1, incomplete: true } : { sequenceId: message.id },
        );
      case 'underrun':
        this.underrunCount = message.underruns;
        return this.emit('underrun', { underruns: message.underruns, prebufferMs: message.prebufferMs });
      case 'stats':
        this.statsRequests.get(message.requestId)?.(message.stats);
        this.statsRequests.delete(message.requestId);
        return;
    }
  }
}
