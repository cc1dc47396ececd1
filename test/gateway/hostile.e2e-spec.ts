import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import WebSocket from 'ws';
import { ActiveSessions } from '../../apps/gateway/src/session/active-sessions.service';
import { expectedAudioBytes } from '../support/emulator';
import { TestGateway, fundCompany, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';
import { pollUntil } from '../support/poll';

const PREFIX = `hostile-${process.pid}-${Date.now()}`;
const HOSTILE_CONNECTIONS = 20;
const FRAMES_PER_CONNECTION = 260;
const WAV_HEADER_BYTES = 44;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Every kind of frame a broken or malicious client sends; none may hurt the gateway. */
const HOSTILE_FRAMES: Array<(i: number) => [string | Buffer, boolean]> = [
  () => ['{not json', false],
  () => [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), true],
  () => [nested(20_000), false],
  () => [`{"a":${nested(5000)}}`, false],
  () => ['{"__proto__":{"polluted":"yes","type":"Flush"},"type":"Speak","text":"proto"}', false],
  () => ['{"constructor":{"prototype":{"polluted":"yes"}},"type":"Flush"}', false],
  () => ['{"type":{"toString":"Speak"},"text":"x"}', false],
  () => ['{"type":"Speak","text":12345}', false],
  () => ['{"type":"Speak","text":["a","b"]}', false],
  () => ['{"type":"Speak","text":""}', false],
  () => ['{"type":null}', false],
  () => ['{"type":"Dance"}', false],
  () => ['[1,2,3]', false],
  () => ['null', false],
  () => ['"Speak"', false],
  () => ['', false],
  () => ['{"sample_rate":"16000","encoding":{"$gt":""},"model":["x"]}', false],
  () => [`{"type":"Speak","text":"${'ñ'.repeat(30_000)}"}`, false],
  (i) => [`{"type":"Speak","text":"hostile ${i}"}`, false],
  () => ['{"type":"Flush"}', false],
  () => ['{"type":"Clear"}', false],
  (i) => [Buffer.alloc(1 + (i % 4096), i % 256), true],
];

/** How a hostile connection ends: oversized frame, invalid UTF-8, polite close, or a dropped TCP connection. */
const ENDINGS: Array<(ws: WebSocket) => void> = [
  (ws) => ws.send(Buffer.alloc(200_000, 0x41), { binary: false }),
  // Invalid UTF-8 is a non-fatal invalid_json (PROTOCOL.md), so this one then closes politely.
  (ws) => {
    ws.send(Buffer.from([0x22, 0xc3, 0x28, 0x22]), { binary: false });
    ws.close();
  },
  (ws) => ws.close(),
  (ws) => ws.terminate(),
];

interface HostileResult {
  sent: number;
  /** Close codes of sessions the gateway ended on its own before the run was over (invalid config). */
  early: number[];
  close: number;
}

/** One attacker: sends its share of frames, reconnecting when the gateway ends its session, then a parting shot. */
async function hostileClient(gateway: TestGateway, n: number): Promise<HostileResult> {
  const companyId = `${PREFIX}-bad-${n}`;
  await fundCompany(companyId);
  const result: HostileResult = { sent: 0, early: [], close: 0 };
  for (let attempt = 0; ; attempt++) {
    const client = await TestClient.connect(
      gateway.streamUrl({ company_id: companyId, user_id: `u${n}`, session_id: `s${n}-${attempt}` }),
    );
    // Half configure properly first, half open with garbage.
    if ((n + attempt) % 2 === 0) client.send({ container: 'none', sample_rate: 8000, encoding: 'mulaw' });
    for (let i = result.sent; i < FRAMES_PER_CONNECTION && client.readyStateOpen(); i++) {
      const [data, binary] = HOSTILE_FRAMES[(i + n) % HOSTILE_FRAMES.length](i);
      client.ws.send(data, { binary });
      result.sent++;
      if (i % 20 === 19) await sleep(5);
    }
    if (client.readyStateOpen()) {
      ENDINGS[n % ENDINGS.length](client.ws);
      result.sent++;
      result.close = (await client.waitForClose(15_000)).code;
      return result;
    }
    result.early.push((await client.waitForClose(15_000)).code);
    client.received.length = 0;
  }
}

describe('hostile input', () => {
  let gateway: TestGateway;

  // Paced (10x real time) so the good session streams for seconds, right through the flood.
  useRelayStack((stack) => ({ gateway } = stack), {
    emulator: { speed: 10 },
    gateway: { DRAIN_TIMEOUT_MS: '1000' },
  });

  it(`survives ${HOSTILE_CONNECTIONS * FRAMES_PER_CONNECTION}+ hostile frames while a good session gets all its audio`, async () => {
    const good = await TestClient.connect(
      gateway.streamUrl({ company_id: await funded('good'), user_id: 'g', session_id: 'g' }),
    );
    good.send({ model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: 16000, container: 'wav' });
    await good.waitFor('status');
    await speakAndWait(good, 'Warm up before the storm.', 1);
    gc();
    const baselineHeap = process.memoryUsage().heapUsed;

    const sentences = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} keeps streaming through the storm.`);
    const goodRun = (async () => {
      for (const [i, sentence] of sentences.entries()) await speakAndWait(good, sentence, i + 2);
    })();
    const results = await Promise.all(Array.from({ length: HOSTILE_CONNECTIONS }, (_, n) => hostileClient(gateway, n)));
    await goodRun;

    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBeGreaterThanOrEqual(5000);
    // Oversized frame -> 1009, invalid UTF-8 then polite close -> 1005 echo, dropped -> 1006.
    expect(results.map((r) => r.close)).toEqual(results.map((_, n) => [1009, 1005, 1005, 1006][n % 4]));
    // Config-shaped garbage as a first message is an invalid config: 4400, and nothing else ends a session.
    expect(new Set(results.flatMap((r) => r.early))).toEqual(new Set([4400]));

    const audioBytes = good.audio.reduce((sum, frame) => sum + frame.length - WAV_HEADER_BYTES, 0);
    const expected = ['Warm up before the storm.', ...sentences].reduce(
      (sum, text) => sum + expectedAudioBytes(text, 'linear16', 16000),
      0,
    );
    expect(audioBytes).toBe(expected);
    expect(good.texts.filter((m) => m.type === 'error')).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Still serving: health, the good session and a fresh one.
    expect((await fetch(`http://127.0.0.1:${gateway.port}/health/live`)).status).toBe(200);
    const fresh = await TestClient.connect(
      gateway.streamUrl({ company_id: await funded('fresh'), user_id: 'f', session_id: 'f' }),
    );
    fresh.send({ container: 'none' });
    await speakAndWait(fresh, 'Still here.', 1);
    fresh.close();
    good.send({ type: 'Close' });
    expect((await good.waitForClose()).code).toBe(1000);

    const sessions = gateway.app.get(ActiveSessions);
    await pollUntil(() => sessions.size === 0, Boolean, 5000);
    good.received.length = 0;
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - baselineHeap;
    expect(heapGrowth).toBeLessThan(40 * 1024 * 1024);
  }, 60_000);
});

async function funded(name: string): Promise<string> {
  const id = `${PREFIX}-${name}`;
  await fundCompany(id);
  return id;
}

async function speakAndWait(client: TestClient, text: string, flushNumber: number): Promise<void> {
  client.send({ type: 'Speak', text });
  client.send({ type: 'Flush' });
  await client.waitFor('Flushed', 15_000, flushNumber);
}
