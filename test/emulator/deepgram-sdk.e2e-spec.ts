import { DeepgramClient } from '@deepgram/sdk';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';

const KEY = 'sdk-test-key';

/** The official SDK, pointed at the emulator, must just work: the proof that we speak Deepgram's protocol. */
describe('Deepgram emulator driven by the official @deepgram/sdk', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ apiKey: KEY });
  });
  afterAll(() => emulator.close());

  it('sees Open, Metadata, Audio and Flushed for a speak.v1 live connection', async () => {
    const client = new DeepgramClient({ apiKey: KEY, baseUrl: `ws://127.0.0.1:${emulator.port}` });
    const socket = await client.speak.v1.connect({
      model: 'aura-2-thalia-en',
      encoding: 'linear16',
      sample_rate: '16000',
      reconnectAttempts: 0,
    });
    const seen: string[] = [];
    let audioBytes = 0;
    const flushed = new Promise<unknown>((resolve, reject) => {
      socket.on('open', () => seen.push('Open'));
      socket.on('message', (message: unknown) => {
        const audio = audioLength(message);
        if (audio !== undefined) {
          if (!seen.includes('Audio')) seen.push('Audio');
          audioBytes += audio;
        } else {
          const event = message as { type: string };
          seen.push(event.type);
          if (event.type === 'Flushed') resolve(event);
        }
      });
      socket.on('error', reject);
    });
    socket.connect();
    await socket.waitForOpen();
    socket.sendText({ type: 'Speak', text: 'Hello from the SDK.' });
    socket.sendFlush({ type: 'Flush' });
    expect(await flushed).toEqual({ type: 'Flushed', sequence_id: 0 });
    expect(seen).toEqual(['Open', 'Metadata', 'Audio', 'Flushed']);
    expect(audioBytes).toBe(expectedAudioBytes('Hello from the SDK.', 'linear16', 16000));
    const record = emulator.connections.at(-1)!;
    expect(record.headers.authorization).toBe(`Token ${KEY}`);
    expect(record.query).toMatchObject({ model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: '16000' });
    socket.close();
    await record.ended;
  });
});

/** Bytes of an audio payload (the SDK hands binary frames over as Blobs), undefined for a JSON event. */
function audioLength(payload: unknown): number | undefined {
  if (payload instanceof Blob) return payload.size;
  if (payload instanceof ArrayBuffer || ArrayBuffer.isView(payload)) return payload.byteLength;
  return undefined;
}
