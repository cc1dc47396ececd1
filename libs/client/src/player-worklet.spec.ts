import { PLAYER_PROCESSOR_NAME, PLAYER_WORKLET_SOURCE, PlayerCommand, PlayerReport } from './player-worklet';

const QUANTUM = 128;

interface Processor {
  port: { onmessage: (event: { data: PlayerCommand }) => void };
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}

/** Runs the shipped source text in a stand-in AudioWorkletGlobalScope, as the browser would. */
function loadProcessor(contextRate: number) {
  const reports: PlayerReport[] = [];
  class AudioWorkletProcessor {
    port = { postMessage: (message: PlayerReport) => reports.push(structuredClone(message)), onmessage: null };
  }
  let registered: { name: string; ctor: new () => Processor } | undefined;
  const register = (name: string, ctor: new () => Processor) => (registered = { name, ctor });
  // `currentFrame` is a live global of the scope: it advances by a render quantum after each process().
  const clock = { advance: (_frames: number): void => undefined };
  new Function(
    'AudioWorkletProcessor',
    'registerProcessor',
    'sampleRate',
    'clock',
    `let currentFrame = 0; clock.advance = (frames) => { currentFrame += frames; };\n${PLAYER_WORKLET_SOURCE}`,
  )(AudioWorkletProcessor, register, contextRate, clock);
  const sut = new registered!.ctor();
  const send = (command: PlayerCommand) => sut.port.onmessage({ data: command });
  const render = (quanta: number): Float32Array => {
    const out = new Float32Array(quanta * QUANTUM);
    for (let q = 0; q < quanta; q++) {
      const channel = new Float32Array(QUANTUM);
      sut.process([], [[channel]]);
      clock.advance(QUANTUM);
      out.set(channel, q * QUANTUM);
    }
    return out;
  };
  const stats = () => {
    send({ type: 'stats', requestId: 1 });
    const report = reports.pop();
    if (report?.type !== 'stats') throw new Error('no stats');
    return report.stats;
  };
  const processOnce = () => {
    const alive = sut.process([], [[new Float32Array(QUANTUM)]]);
    clock.advance(QUANTUM);
    return alive;
  };
  return { name: registered!.name, send, render, reports, stats, processOnce };
}

function sine(samples: number, rate: number, hz = 440, from = 0): Float32Array {
  return Float32Array.from({ length: samples }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * (from + i)) / rate));
}

describe('player worklet processor', () => {
  it('registers under the name the player instantiates', () => {
    expect(loadProcessor(48000).name).toBe(PLAYER_PROCESSOR_NAME);
  });

  it('resamples 16 kHz to 48 kHz with a continuous phase across odd-sized chunks', () => {
    const sut = loadProcessor(48000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 0, maxPrebufferMs: 500 });
    let at = 0;
    for (const size of [333, 1, 77, 1000, 589]) {
      sut.send({ type: 'samples', samples: sine(size, 16000, 440, at) });
      at += size;
    }
    sut.send({ type: 'mark', id: 0 });
    const rendered = sut.render(60);
    const stats = sut.stats();
    const out = rendered.subarray(0, stats.playedFrames);
    // A 440 Hz sine at 48 kHz moves at most 0.5 * 2π * 440 / 48000 ≈ 0.029 per sample; a click would be far more.
    let maxStep = 0;
    for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs(out[i] - out[i - 1]));
    expect(maxStep).toBeLessThan(0.035);
    expect(stats.playedSamples).toBeGreaterThanOrEqual(at - 1);
    expect(stats.playedFrames).toBeGreaterThanOrEqual((at - 1) * 3 - 3);
    expect(stats.playedFrames).toBeLessThanOrEqual(at * 3);
    expect(sut.reports.map((r) => r.type)).toEqual(['start', 'end']);
    expect(stats.underruns).toBe(0);
  });

  it('starts prebufferMs after the first audio arrived, at once for a burst or a complete utterance', () => {
    const paced = loadProcessor(16000);
    paced.send({ type: 'configure', sourceRate: 16000, prebufferMs: 100, maxPrebufferMs: 500 });
    paced.send({ type: 'samples', samples: new Float32Array(1600).fill(0.25) });
    // 100 ms at 16 kHz is 1600 frames: silent for 12 quanta (1536 frames), playing in the 14th.
    expect(paced.render(12).some((x) => x !== 0)).toBe(false);
    expect(paced.render(2).some((x) => x !== 0)).toBe(true);

    const burst = loadProcessor(16000);
    burst.send({ type: 'configure', sourceRate: 16000, prebufferMs: 100, maxPrebufferMs: 500 });
    burst.send({ type: 'samples', samples: new Float32Array(6400).fill(0.25) });
    expect(
      burst
        .render(1)
        .subarray(1)
        .every((x) => x !== 0),
    ).toBe(true);

    const short = loadProcessor(16000);
    short.send({ type: 'configure', sourceRate: 16000, prebufferMs: 100, maxPrebufferMs: 500 });
    short.send({ type: 'samples', samples: new Float32Array(200).fill(0.25) });
    short.send({ type: 'mark', id: 7 });
    short.render(3);
    expect(short.reports).toEqual([
      { type: 'start', frame: expect.any(Number), generation: 0 },
      { type: 'end', id: 7, frame: expect.any(Number), generation: 0 },
    ]);
  });

  it('counts an underrun mid-utterance and grows the prebuffer, but not at the utterance end', () => {
    const sut = loadProcessor(16000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 10, maxPrebufferMs: 500 });
    sut.send({ type: 'samples', samples: new Float32Array(300).fill(0.25) });
    sut.render(8);
    const stats = sut.stats();
    expect(stats.underruns).toBe(1);
    expect(stats.prebufferMs).toBeGreaterThan(10);
    sut.send({ type: 'samples', samples: new Float32Array(100).fill(0.25) });
    sut.send({ type: 'mark', id: 0 });
    sut.render(8);
    expect(sut.stats().underruns).toBe(1);
    expect(sut.reports.filter((r) => r.type === 'start')).toHaveLength(1);
    expect(sut.reports.at(-1)).toEqual({ type: 'end', id: 0, frame: expect.any(Number), generation: 0 });
  });

  it('goes silent from the next quantum on clear and forgets queued markers', () => {
    const sut = loadProcessor(16000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 0, maxPrebufferMs: 500 });
    sut.send({ type: 'samples', samples: new Float32Array(16000).fill(0.25) });
    sut.send({ type: 'mark', id: 0 });
    // The first sample ramps up from the silence before it.
    expect(
      sut
        .render(2)
        .subarray(1)
        .every((x) => x !== 0),
    ).toBe(true);
    sut.send({ type: 'clear', generation: 1 });
    expect(sut.render(10).every((x) => x === 0)).toBe(true);
    const stats = sut.stats();
    expect(stats.playedFrames).toBe(stats.playedFramesAtLastClear);
    expect(stats.clears).toBe(1);
    expect(sut.reports.some((r) => r.type === 'end')).toBe(false);
  });

  it('finish ends an open utterance where its audio ends (no underrun), and does nothing when none is open', () => {
    const sut = loadProcessor(16000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 100, maxPrebufferMs: 500 });
    sut.send({ type: 'finish', id: -1 }); // nothing open
    sut.render(4);
    expect(sut.reports).toEqual([]);
    sut.send({ type: 'samples', samples: new Float32Array(600).fill(0.25) });
    sut.send({ type: 'finish', id: -1 }); // the stream ended before its mark: play what is here, then end
    sut.render(8);
    const stats = sut.stats();
    expect(sut.reports).toEqual([
      { type: 'start', frame: expect.any(Number), generation: 0 },
      { type: 'end', id: -1, frame: expect.any(Number), generation: 0 },
    ]);
    expect(stats.playedSamples).toBe(600);
    expect(stats.underruns).toBe(0);
    expect(stats.prebufferMs).toBe(100);
    sut.send({ type: 'finish', id: -1 }); // already ended
    sut.send({ type: 'samples', samples: new Float32Array(100).fill(0.25) });
    sut.send({ type: 'mark', id: 3 });
    sut.send({ type: 'finish', id: -1 }); // already has its mark
    sut.render(8);
    expect(sut.reports.slice(2)).toEqual([
      { type: 'start', frame: expect.any(Number), generation: 0 },
      { type: 'end', id: 3, frame: expect.any(Number), generation: 0 },
    ]);
  });

  it('plays the next utterance without a gap when its audio already waited the prebuffer while the last one played', () => {
    const sut = loadProcessor(16000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 100, maxPrebufferMs: 500 });
    // A whole sentence (200 ms, complete: it starts at once), then the first 50 ms of the next one, its
    // Flushed still to come: by the end of the first it has waited 200 ms, twice the prebuffer.
    sut.send({ type: 'samples', samples: new Float32Array(3200).fill(0.25) });
    sut.send({ type: 'mark', id: 0 });
    sut.send({ type: 'samples', samples: new Float32Array(800).fill(0.25) });
    const out = sut.render(32); // 4096 frames
    // Frame 0 ramps up from silence; then the two sentences back to back, not one silent frame between.
    const silent = out.subarray(1, 3200 + 800).findIndex((x) => x === 0);
    expect(silent).toBe(-1);
    // The render thread's own clock says the same: the second starts on the very frame the first ended.
    expect(sut.reports.slice(0, 3)).toEqual([
      { type: 'start', frame: 0, generation: 0 },
      { type: 'end', id: 0, frame: 3200, generation: 0 },
      { type: 'start', frame: 3200, generation: 0 },
    ]);
    expect(sut.stats().playedSamples).toBeGreaterThanOrEqual(3200 + 800 - 1);
  });

  it('keeps the prebuffer for audio that arrived just before the last utterance ended, counted from its arrival', () => {
    const sut = loadProcessor(16000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 100, maxPrebufferMs: 500 });
    sut.send({ type: 'samples', samples: new Float32Array(3200).fill(0.25) });
    sut.send({ type: 'mark', id: 0 });
    sut.render(24); // 3072 frames: the first sentence has 128 frames left
    sut.send({ type: 'samples', samples: new Float32Array(3200).fill(0.25) }); // arrives at frame 3072
    const out = sut.render(20); // frames 3072 to 5632
    const at = (frame: number) => out[frame - 3072];
    // The first sentence ends at frame 3200; the next one waits its 100 ms (1600 frames) from its arrival,
    // until frame 4672, and starts with the first render quantum after that (4736), not 100 ms after 3200.
    expect(out.subarray(3201 - 3072, 4736 - 3072).every((x) => x === 0)).toBe(true);
    expect(at(4737)).not.toBe(0);
    expect(sut.reports.map((r) => r.type)).toEqual(['start', 'end', 'start']);
  });

  it('tags every report with the generation of the last clear it took', () => {
    const sut = loadProcessor(16000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 0, maxPrebufferMs: 500 });
    sut.send({ type: 'samples', samples: new Float32Array(1000).fill(0.25) });
    sut.render(1);
    sut.send({ type: 'clear', generation: 3 });
    sut.send({ type: 'samples', samples: new Float32Array(100).fill(0.25) });
    sut.render(4); // plays it, then runs dry mid-utterance
    sut.send({ type: 'samples', samples: new Float32Array(100).fill(0.25) });
    sut.send({ type: 'mark', id: 5 });
    sut.render(40);
    expect(sut.reports).toEqual([
      { type: 'start', frame: expect.any(Number), generation: 0 },
      { type: 'start', frame: expect.any(Number), generation: 3 },
      { type: 'underrun', underruns: 1, prebufferMs: 20, generation: 3 },
      { type: 'end', id: 5, frame: expect.any(Number), generation: 3 },
    ]);
  });

  it('stops processing for good once disposed (a closed player in a shared context)', () => {
    const sut = loadProcessor(16000);
    sut.send({ type: 'configure', sourceRate: 16000, prebufferMs: 0, maxPrebufferMs: 500 });
    sut.send({ type: 'samples', samples: new Float32Array(16000).fill(0.25) });
    sut.render(1);
    sut.send({ type: 'dispose' });
    expect(sut.processOnce()).toBe(false);
    sut.send({ type: 'samples', samples: new Float32Array(1000).fill(0.25) });
    expect(sut.processOnce()).toBe(false);
    expect(sut.reports).toEqual([{ type: 'start', frame: expect.any(Number), generation: 0 }]);
  });
});
