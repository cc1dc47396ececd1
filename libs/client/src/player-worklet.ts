/**
 * The AudioWorklet side of TtsPlayer. `definePlayerProcessor` is shipped as source text (a Blob URL), so the
 * single ESM bundle needs no second file: it must stay self-contained (no imports, no outer variables, no
 * class field initialisers that a transpiler could turn into helper calls).
 */
export const PLAYER_PROCESSOR_NAME = 'tts-stream-player';

export type PlayerCommand =
  | { type: 'configure'; sourceRate: number; prebufferMs: number; maxPrebufferMs: number }
  | { type: 'samples'; samples: Float32Array }
  | { type: 'mark'; id: number }
  /** The stream ended without its mark (connection lost): mark the end of what is queued, if an utterance is open. */
  | { type: 'finish'; id: number }
  /** Drops everything queued. `generation` (the player's count of clears) tags every later report. */
  | { type: 'clear'; generation: number }
  | { type: 'stats'; requestId: number }
  /** The player closed: drop everything and stop processing (the node may live on in a shared context). */
  | { type: 'dispose' };

export interface PlayerStats {
  /** Output frames rendered from speech, at the AudioContext's rate. */
  playedFrames: number;
  /** Source samples consumed, at the session's rate. */
  playedSamples: number;
  /** Times the buffer ran dry in the middle of an utterance. */
  underruns: number;
  bufferedSamples: number;
  prebufferMs: number;
  playing: boolean;
  clears: number;
  playedFramesAtLastClear: number;
  /** Render-thread frame (`currentFrame`) of the last speech sample written, and of the last clear handled. */
  lastAudioFrame: number;
  lastClearFrame: number;
}

/**
 * Reports about the stream carry the generation (the last clear's) they belong to: one posted before the
 * worklet took a clear may reach the player after its `clear()`, and is then stale.
 */
export type PlayerReport =
  | { type: 'start'; frame: number; generation: number }
  | { type: 'end'; id: number; frame: number; generation: number }
  | { type: 'underrun'; underruns: number; prebufferMs: number; generation: number }
  | { type: 'stats'; requestId: number; stats: PlayerStats };

declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;
declare const currentFrame: number;
declare const sampleRate: number;

/* istanbul ignore next: runs in the AudioWorkletGlobalScope from its source text */
function definePlayerProcessor(processorName: string): void {
  const SAMPLE = 0;
  const EMPTY = 1;
  const MARK = 2;

  class StreamPlayerProcessor extends AudioWorkletProcessor {
    declare queue: Array<Float32Array | number>;
    declare readIndex: number;
    declare buffered: number;
    declare markers: number;
    declare step: number;
    declare sourceRate: number;
    declare prebufferMs: number;
    declare maxPrebufferMs: number;
    declare playing: boolean;
    declare inUtterance: boolean;
    // Linear interpolation between s0 and s1 at `frac`; kept across chunks so the phase never jumps.
    declare s0: number;
    declare s1: number;
    declare frac: number;
    declare pulled: number;
    /** Frames rendered so far (the worklet's clock), and when the audio now waiting began to arrive. */
    declare clock: number;
    declare waitingSince: number;
    /**
     * When the first audio queued after the last marker arrived (-1: none): the utterance that follows the
     * ones already complete in the queue has been waiting since then, even while an earlier one played.
     */
    declare nextSince: number;
    declare generation: number;
    declare disposed: boolean;
    declare stats: PlayerStats;

    constructor() {
      super();
      this.resetStream();
      this.sourceRate = sampleRate;
      this.step = 1;
      this.prebufferMs = 60;
      this.maxPrebufferMs = 500;
      this.pulled = 0;
      this.clock = 0;
      this.generation = 0;
      this.disposed = false;
      this.stats = {
        playedFrames: 0,
        playedSamples: 0,
        underruns: 0,
        bufferedSamples: 0,
        prebufferMs: 60,
        playing: false,
        clears: 0,
        playedFramesAtLastClear: 0,
        lastAudioFrame: -1,
        lastClearFrame: -1,
      };
      this.port.onmessage = (event: MessageEvent<PlayerCommand>) => this.command(event.data);
    }

    command(message: PlayerCommand): void {
      switch (message.type) {
        case 'samples':
          if (typeof this.queue[this.queue.length - 1] === 'number') this.nextSince = this.clock;
          this.queue.push(message.samples);
          this.buffered += message.samples.length;
          if (!this.playing && this.waitingSince < 0) this.waitingSince = this.clock;
          return;
        case 'mark':
          this.queue.push(message.id);
          this.markers++;
          return;
        case 'finish': {
          const last = this.queue[this.queue.length - 1];
          // Already ending at a mark, or nothing open (the last utterance ended, or was cleared).
          if (typeof last === 'number' || (this.queue.length === 0 && !this.inUtterance)) return;
          this.queue.push(message.id);
          this.markers++;
          return;
        }
        case 'clear':
          this.generation = message.generation;
          return this.clear();
        case 'dispose':
          this.resetStream();
          this.disposed = true;
          return;
        case 'configure':
          this.sourceRate = message.sourceRate;
          this.step = message.sourceRate / sampleRate;
          this.prebufferMs = message.prebufferMs;
          this.maxPrebufferMs = message.maxPrebufferMs;
          return;
        case 'stats':
          this.stats.bufferedSamples = this.buffered;
          this.stats.prebufferMs = this.prebufferMs;
          this.stats.playing = this.playing;
          this.port.postMessage({ type: 'stats', requestId: message.requestId, stats: this.stats });
          return;
      }
    }

    /** Drops everything queued; the next utterance ramps up from silence. */
    resetStream(): void {
      this.queue = [];
      this.readIndex = 0;
      this.buffered = 0;
      this.markers = 0;
      this.playing = false;
      this.inUtterance = false;
      this.s0 = 0;
      this.s1 = 0;
      this.frac = 1;
      this.waitingSince = -1;
      this.nextSince = -1;
    }

    clear(): void {
      this.resetStream();
      this.stats.clears++;
      this.stats.playedFramesAtLastClear = this.stats.playedFrames;
      this.stats.lastClearFrame = currentFrame;
    }

    pull(): number {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        if (typeof head === 'number') return MARK;
        if (this.readIndex < head.length) {
          this.pulled = head[this.readIndex++];
          this.buffered--;
          return SAMPLE;
        }
        this.queue.shift();
        this.readIndex = 0;
      }
      return EMPTY;
    }

    /**
     * The source ran out: the utterance ended (marker) or the network fell behind (underrun). At a marker
     * the next utterance follows in the same render quantum, its phase continuing, when its audio has
     * waited long enough already (it arrived while this one played); else it ramps up from silence later.
     */
    stall(reason: number, frame: number): void {
      this.playing = false;
      if (reason === MARK) {
        const id = this.queue.shift() as number;
        this.markers--;
        this.inUtterance = false;
        this.port.postMessage({ type: 'end', id, frame, generation: this.generation });
        // What is queued now began to arrive at `nextSince` (the tail utterance), or is complete (markers).
        this.waitingSince = this.buffered > 0 ? Math.max(this.nextSince, 0) : -1;
        if (this.queue.length > 0 && this.readyToStart()) {
          this.playing = true;
          this.waitingSince = -1;
          return;
        }
        this.s0 = 0;
        this.s1 = 0;
        this.frac = 1;
        return;
      }
      this.waitingSince = -1;
      if (!this.inUtterance) return;
      this.stats.underruns++;
      this.prebufferMs = Math.min(this.maxPrebufferMs, this.prebufferMs * 1.5 + 20);
      this.port.postMessage({
        type: 'underrun',
        underruns: this.stats.underruns,
        prebufferMs: this.prebufferMs,
        generation: this.generation,
      });
    }

    /**
     * A paced source sends each chunk when its audio is due, so only time spent waiting builds a margin:
     * start `prebufferMs` after the first audio arrived, at once when the utterance is complete, or when far
     * more than the prebuffer is already here (a burst).
     */
    readyToStart(): boolean {
      if (this.markers > 0) return true;
      if (this.buffered * 1000 >= 4 * this.prebufferMs * this.sourceRate) return true;
      return this.waitingSince >= 0 && (this.clock - this.waitingSince) * 1000 >= this.prebufferMs * sampleRate;
    }

    process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
      // Disposed: returning false lets the browser release a node left in a shared context.
      if (this.disposed) return false;
      const output = outputs[0];
      const channel = output[0];
      const frames = channel.length;
      if (!this.playing && this.queue.length > 0 && this.readyToStart()) {
        this.playing = true;
        this.waitingSince = -1;
      }
      let written = 0;
      while (this.playing && written < frames) {
        let stalled = false;
        while (this.frac >= 1) {
          const got = this.pull();
          if (got !== SAMPLE) {
            this.stall(got, currentFrame + written);
            stalled = true;
            break;
          }
          if (!this.inUtterance) {
            this.inUtterance = true;
            this.port.postMessage({ type: 'start', frame: currentFrame + written, generation: this.generation });
          }
          this.s0 = this.s1;
          this.s1 = this.pulled;
          this.frac -= 1;
          this.stats.playedSamples++;
        }
        if (!this.playing) break;
        // The next utterance went on at once after a marker: pull its first sample.
        if (stalled) continue;
        channel[written++] = this.s0 + (this.s1 - this.s0) * this.frac;
        this.frac += this.step;
      }
      if (written > 0) {
        this.stats.playedFrames += written;
        this.stats.lastAudioFrame = currentFrame + written - 1;
      }
      channel.fill(0, written);
      this.clock += frames;
      for (let c = 1; c < output.length; c++) output[c].set(channel);
      return true;
    }
  }

  registerProcessor(processorName, StreamPlayerProcessor);
}

/** The processor's module source, loadable with `audioWorklet.addModule(blobUrl)`. */
export const PLAYER_WORKLET_SOURCE = `(${definePlayerProcessor.toString()})(${JSON.stringify(PLAYER_PROCESSOR_NAME)});`;
