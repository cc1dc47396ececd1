import type { AudioChunk } from './client-events';
import { PLAYER_WORKLET_SOURCE, PlayerCommand, PlayerReport } from './player-worklet';
import { TtsClient } from './tts-client';
import { TtsPlayer } from './tts-player';

const QUANTUM = 128;
const RATE = 16000;

interface Processor {
  port: { onmessage: ((event: { data: PlayerCommand }) => void) | null };
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
}

/**
 * A stand-in AudioWorkletNode, wired to the real processor (the shipped source text). Messages wait in
 * both directions until delivered, as they cross threads in a browser: a test decides the interleaving.
 */
class FakeWorkletNode {
  static created: FakeWorkletNode[] = [];
  readonly toWorklet: PlayerCommand[] = [];
  readonly toMain: PlayerReport[] = [];
  readonly port = {
    onmessage: null as ((event: { data: PlayerReport }) => void) | null,
    postMessage: (command: PlayerCommand) => this.toWorklet.push(structuredClone(command)),
  };
  readonly processor: Processor;
  connected = false;

  constructor(context: FakeAudioContext, name: string) {
    const ctor = context.processors.get(name);
    if (!ctor) throw new Error(`no processor ${name}`);
    FakeAudioContext.nextPort = { postMessage: (report) => this.toMain.push(structuredClone(report)), onmessage: null };
    this.processor = new ctor();
    FakeWorkletNode.created.push(this);
  }

  connect(): void {
    this.connected = true;
  }

  disconnect(): void {
    this.connected = false;
  }

  deliverToWorklet(): void {
    for (const command of this.toWorklet.splice(0)) this.processor.port.onmessage?.({ data: command });
  }

  deliverToMain(): void {
    for (const report of this.toMain.splice(0)) this.port.onmessage?.({ data: report });
  }

  /** Delivers what the player posted, renders `quanta`, and delivers the worklet's reports. */
  run(quanta: number): void {
    this.deliverToWorklet();
    for (let q = 0; q < quanta; q++) this.processor.process([], [[new Float32Array(QUANTUM)]]);
    this.deliverToMain();
  }
}

/** Enough of an AudioContext for TtsPlayer; `addModule` evaluates the worklet source as the browser would. */
class FakeAudioContext {
  static nextPort: { postMessage(report: PlayerReport): void; onmessage: null } | undefined;
  static created: FakeAudioContext[] = [];
  state: 'running' | 'suspended' | 'closed' = 'running';
  readonly sampleRate = RATE;
  readonly destination = {};
  readonly processors = new Map<string, new () => Processor>();
  closeCalls = 0;
  /** Outcomes of the next addModule calls (default: load). */
  readonly loadOutcomes: Array<'load' | 'fail' | 'never'> = [];
  readonly audioWorklet = {
    addModule: async (_url: string): Promise<void> => {
      const outcome = this.loadOutcomes.shift() ?? 'load';
      if (outcome === 'never') return new Promise<void>(() => undefined);
      if (outcome === 'fail') throw new Error('addModule failed');
      class AudioWorkletProcessor {
        port = FakeAudioContext.nextPort!;
      }
      const register = (name: string, ctor: new () => Processor) => this.processors.set(name, ctor);
      new Function('AudioWorkletProcessor', 'registerProcessor', 'sampleRate', 'currentFrame', PLAYER_WORKLET_SOURCE)(
        AudioWorkletProcessor,
        register,
        RATE,
        0,
      );
    },
  };

  constructor() {
    FakeAudioContext.created.push(this);
  }

  createGain() {
    return { connect: () => undefined, disconnect: () => undefined };
  }

  async close(): Promise<void> {
    this.closeCalls++;
    this.state = 'closed';
  }
}

const globals = globalThis as unknown as Record<string, unknown>;
beforeAll(() => {
  globals.AudioContext = FakeAudioContext;
  globals.AudioWorkletNode = FakeWorkletNode;
});
afterAll(() => {
  delete globals.AudioContext;
  delete globals.AudioWorkletNode;
});
beforeEach(() => {
  FakeWorkletNode.created.length = 0;
  FakeAudioContext.created.length = 0;
});

const shared = () => new FakeAudioContext() as unknown as AudioContext;
const fakeOf = (context: AudioContext) => context as unknown as FakeAudioContext;
const lastNode = () => FakeWorkletNode.created.at(-1)!;

/** `samples` of raw linear16 at 16 kHz, a quarter of full scale. */
function chunk(samples: number): AudioChunk {
  const data = new Int16Array(samples).fill(8192);
  return { data: data.buffer, format: { encoding: 'linear16', sampleRate: RATE, container: 'none' } };
}

function recordEvents(player: TtsPlayer): string[] {
  const events: string[] = [];
  player.on('utterancestart', () => events.push('start'));
  player.on('utteranceend', (e) => events.push(`end:${e.sequenceId}`));
  player.on('cleared', () => events.push('cleared'));
  player.on('underrun', () => events.push('underrun'));
  return events;
}

/** A client that is never connected: the player listens to its events, the test emits them. */
function clientStub() {
  const client = new TtsClient({ url: 'ws://127.0.0.1:9', companyId: 'c', userId: 'u', sessionId: 's' });
  const emit = (client as unknown as { emit(event: string, payload: unknown): void }).emit.bind(client);
  return { client, emit };
}

describe(TtsPlayer.name, () => {
  it('close() leaves an AudioContext passed in open (it is shared), and closes one it made', async () => {
    const context = shared();
    const first = new TtsPlayer({ context, unlockTarget: null });
    await first.ready;
    await first.close();
    expect(fakeOf(context).closeCalls).toBe(0);
    expect(context.state).toBe('running');
    // The shared context still serves the next player.
    const second = new TtsPlayer({ context, unlockTarget: null });
    await second.ready;
    second.enqueue(chunk(1600));
    second.markUtteranceEnd(0);
    const events = recordEvents(second);
    lastNode().run(20);
    expect(events).toEqual(['start', 'end:0']);

    const own = new TtsPlayer({ unlockTarget: null });
    await own.ready;
    await own.close();
    await own.close(); // twice: closed once
    expect(FakeAudioContext.created.at(-1)!.closeCalls).toBe(1);
  });

  it('a closed player releases its worklet node in a shared context: disconnected, told to stop processing', async () => {
    const context = shared();
    const player = new TtsPlayer({ context, unlockTarget: null });
    await player.ready;
    const node = lastNode();
    expect(node.connected).toBe(true);
    await player.close();
    expect(node.connected).toBe(false);
    node.deliverToWorklet();
    expect(node.processor.process([], [[new Float32Array(QUANTUM)]])).toBe(false);
  });

  it('close() detaches its clients and drops all later audio; pending and later stats() reject', async () => {
    const context = shared();
    const player = new TtsPlayer({ context, unlockTarget: null });
    await player.ready;
    const node = lastNode();
    const { client, emit } = clientStub();
    player.attach(client);
    emit('audio', chunk(800));
    node.deliverToWorklet();
    const pending = player.stats();
    while (!node.toWorklet.some((command) => command.type === 'stats')) await new Promise(setImmediate);
    const enqueue = jest.spyOn(player, 'enqueue');
    await player.close();
    await expect(pending).rejects.toThrow('TtsPlayer: closed');
    await expect(player.stats()).rejects.toThrow('TtsPlayer: closed');
    node.toWorklet.length = 0; // the request and the dispose
    emit('audio', chunk(800));
    emit('flushed', { type: 'Flushed', sequence_id: 0 });
    emit('interrupt', undefined);
    emit('close', { code: 1006, reason: '', willReconnect: true });
    expect(enqueue).not.toHaveBeenCalled(); // detached
    player.enqueue(chunk(800));
    player.markUtteranceEnd(1);
    expect(node.toWorklet).toEqual([]);
  });

  it('a player closed before its worklet loaded holds nothing and never settles stats() late', async () => {
    const context = shared();
    fakeOf(context).loadOutcomes.push('never');
    const player = new TtsPlayer({ context, unlockTarget: null });
    const { client, emit } = clientStub();
    player.attach(client);
    emit('audio', chunk(800));
    const early = player.stats(); // waits for a worklet that never comes
    await player.close();
    await expect(early).rejects.toThrow('TtsPlayer: closed');
    await expect(player.stats()).rejects.toThrow('TtsPlayer: closed');
    for (let i = 0; i < 10; i++) emit('audio', chunk(800));
    player.enqueue(chunk(800));
    expect((player as unknown as { held: unknown[] }).held).toEqual([]);
  });

  it('a worklet load that failed is tried again by the next player on the same context', async () => {
    const context = shared();
    fakeOf(context).loadOutcomes.push('fail');
    const first = new TtsPlayer({ context, unlockTarget: null });
    await expect(first.ready).rejects.toThrow('addModule failed');
    const second = new TtsPlayer({ context, unlockTarget: null });
    await expect(second.ready).resolves.toBeUndefined();
    second.enqueue(chunk(1600));
    second.markUtteranceEnd(0);
    const events = recordEvents(second);
    lastNode().run(20);
    expect(events).toEqual(['start', 'end:0']);
  });

  it('ignores a start the worklet reported before it took a clear(): speaking ends with the barge-in', async () => {
    const player = new TtsPlayer({ context: shared(), unlockTarget: null, prebufferMs: 0 });
    await player.ready;
    const node = lastNode();
    const events = recordEvents(player);
    player.enqueue(chunk(4000));
    node.deliverToWorklet();
    node.processor.process([], [[new Float32Array(QUANTUM)]]); // the worklet posts `start`...
    player.clear(); // ...while the main thread clears
    node.deliverToMain(); // the `start` arrives after `cleared`
    node.run(10);
    expect(events).toEqual(['cleared']);

    // Reports after the clear count again: the next utterance starts and ends.
    player.enqueue(chunk(1600));
    player.markUtteranceEnd(1);
    node.run(20);
    expect(events).toEqual(['cleared', 'start', 'end:1']);
  });
});
