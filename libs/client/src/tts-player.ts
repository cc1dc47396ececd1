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
  /**
   * Bring your own context (e.g. to share it); by default the player makes one at the device's rate.
   * `close()` closes only a context the player made: yours stays open.
   */
  context?: AudioContext;
  /** Speech buffered before playback starts; grows after each underrun up to `maxPrebufferMs`. */
  prebufferMs?: number;
  maxPrebufferMs?: number;
  /** Where to listen for the first user gesture that unlocks audio; `null` to not listen. Default: document. */
  unlockTarget?: EventTarget | null;
}

export interface TtsPlayerEvents {
  /**
   * The first sample of an utterance is being rendered. `at`: when it plays, in the AudioContext's time
   * (`context.currentTime` seconds), to within a frame: to line captions up with the voice.
   */
  utterancestart: { at: number };
  /**
   * The utterance's Flushed marker was reached in the playback stream: everything before it has been played.
   * When the attached client's connection ended before the Flushed came (a drop, a close), the utterance ends
   * where its audio ran out instead: `sequenceId` -1 and `incomplete: true`. `at`: when its last sample has
   * played, in the AudioContext's time (the next utterance's `at` equals it when it follows without a gap).
   */
  utteranceend: { sequenceId: number; incomplete?: true; at: number };
  underrun: { underruns: number; prebufferMs: number };
  /** `clear()` dropped everything buffered. */
  cleared: void;
}

/** Margin against network and timer jitter of a source paced at real time; costs as much start latency. */
export const DEFAULT_PREBUFFER_MS = 100;

const loadedContexts = new WeakMap<BaseAudioContext, Promise<void>>();

/** Loads the worklet module once per context; a load that failed is tried again by the next player. */
function loadProcessor(context: BaseAudioContext): Promise<void> {
  let loaded = loadedContexts.get(context);
  if (!loaded) {
    const url = URL.createObjectURL(new Blob([PLAYER_WORKLET_SOURCE], { type: 'text/javascript' }));
    const loading = context.audioWorklet.addModule(url).finally(() => URL.revokeObjectURL(url));
    loading.catch(() => loadedContexts.get(context) === loading && loadedContexts.delete(context));
    loadedContexts.set(context, (loaded = loading));
  }
  return loaded;
}

/** What `stats()` rejects with once the player is closed. */
const CLOSED_MESSAGE = 'TtsPlayer: closed';

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
  /** Commands posted before the worklet runs, sent once it does (none once closed or failed). */
  private readonly held: Array<{ command: PlayerCommand; transfer: Transferable[] }> = [];
  private decoder: PcmDecoder | undefined;
  private readonly prebufferMs: number;
  private readonly maxPrebufferMs: number;
  private readonly stopUnlock: () => void;
  private readonly statsRequests = new Map<
    number,
    { resolve: (stats: PlayerStats) => void; reject: (error: Error) => void }
  >();
  private nextRequestId = 0;
  private underrunCount = 0;
  /** Clears so far: reports about the stream from before the last one are stale. */
  private generation = 0;
  private readonly ownsContext: boolean;
  private readonly detachers = new Set<() => void>();
  private closing: Promise<void> | undefined;
  private signalClosed: () => void = () => undefined;
  /** Resolves on close(): a stats() still waiting for the worklet to load stops waiting then. */
  private readonly closedSignal = new Promise<void>((resolve) => (this.signalClosed = resolve));
  /** The worklet could not be loaded: nothing will ever play. */
  private failed = false;

  constructor(options: TtsPlayerOptions = {}) {
    super();
    this.ownsContext = !options.context;
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
   * out and the utterance ends there. `close()` detaches every client.
   */
  attach(client: TtsClient): () => void {
    if (this.closing) return () => undefined;
    const offs = [
      client.on('audio', (chunk) => this.enqueue(chunk)),
      client.on('flushed', (flushed) => this.markUtteranceEnd(flushed.sequence_id)),
      client.on('interrupt', () => this.clear()),
      client.on('close', () => this.endUtterance()),
    ];
    const detach = () => {
      this.detachers.delete(detach);
      offs.forEach((off) => off());
    };
    this.detachers.add(detach);
    return detach;
  }

  enqueue(chunk: AudioChunk): void {
    if (this.closing || this.failed) return;
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
    // Reports the worklet posted before it takes this clear (a `start` in flight) are stale from now on.
    this.post({ type: 'clear', generation: ++this.generation });
    this.emit('cleared', undefined);
  }

  /**
   * Counters from the render thread (played frames and samples, underruns, buffer). Rejects with
   * `TtsPlayer: closed` once the player is closed, requests still pending then included.
   */
  async stats(): Promise<PlayerStats> {
    await Promise.race([this.ready, this.closedSignal]);
    if (this.isClosed()) throw new Error(CLOSED_MESSAGE);
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.statsRequests.set(requestId, { resolve, reject });
      this.post({ type: 'stats', requestId });
    });
  }

  /**
   * Stops for good: detaches every attached client, drops what is buffered and all later audio, rejects
   * pending `stats()` requests, and closes the AudioContext if the player made it (a context passed in
   * `options.context` stays open). Calling it again returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.signalClosed();
    this.stopUnlock();
    for (const detach of [...this.detachers]) detach();
    this.held.length = 0;
    const pending = [...this.statsRequests.values()];
    this.statsRequests.clear();
    for (const { reject } of pending) reject(new Error(CLOSED_MESSAGE));
    const node = this.node;
    if (node) {
      // Ends the worklet's processing: in a shared context the node would otherwise run on.
      node.port.postMessage({ type: 'dispose' } satisfies PlayerCommand);
      node.port.onmessage = null;
      node.disconnect();
    }
    this.output.disconnect();
    if (this.ownsContext && this.context.state !== 'closed') await this.context.close();
  }

  /** Loads the worklet and starts the node; a player closed meanwhile stops here quietly. */
  private async start(): Promise<void> {
    try {
      await loadProcessor(this.context);
    } catch (error) {
      this.failed = true;
      this.held.length = 0;
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
    return this.closing !== undefined || this.context.state === 'closed';
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
    if (this.closing || this.failed) return;
    if (this.node) this.node.port.postMessage(command, transfer);
    else this.held.push({ command, transfer });
  }

  private report(message: PlayerReport): void {
    if (message.type !== 'stats' && message.generation !== this.generation) return; // from before a clear()
    switch (message.type) {
      case 'start':
        return this.emit('utterancestart', { at: message.frame / this.context.sampleRate });
      case 'end': {
        const at = message.frame / this.context.sampleRate;
        return this.emit(
          'utteranceend',
          message.id < 0 ? { sequenceId: -1, incomplete: true, at } : { sequenceId: message.id, at },
        );
      }
      case 'underrun':
        this.underrunCount = message.underruns;
        return this.emit('underrun', { underruns: message.underruns, prebufferMs: message.prebufferMs });
      case 'stats':
        this.statsRequests.get(message.requestId)?.resolve(message.stats);
        this.statsRequests.delete(message.requestId);
        return;
    }
  }
}
