import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TestGateway, startGateway } from '../support/gateway';

const RIGHT_KEY = `dg-right-${process.pid}-5eedf00d`;
const WRONG_KEY = `dg-wrong-${process.pid}-badf00d5`;

async function ready(gateway: TestGateway) {
  const res = await fetch(`http://127.0.0.1:${gateway.port}/health/ready`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as { details: Record<string, Record<string, unknown>> } };
}

/** /health/ready tells a wrong Deepgram key from a right one with a bare handshake: no session, no text. */
describe('readiness checks the upstream key', () => {
  let emulator: RunningEmulator;
  const gateways: TestGateway[] = [];
  const boot = async (key: string) => {
    const gateway = await startGateway({ DEEPGRAM_URL: emulator.url, DEEPGRAM_API_KEY: key });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    emulator = await startTestEmulator({ apiKey: RIGHT_KEY });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator?.close();
  });

  it('is not ready with a key the upstream refuses, says so without the key, and stays live', async () => {
    const gateway = await boot(WRONG_KEY);
    const probe = await ready(gateway);
    expect(probe.status).toBe(503);
    expect(probe.body.details.upstream_key).toEqual({
      status: 'down',
      key: 'refused',
      message: 'upstream refused the key (401)',
    });
    expect(probe.body.details.upstream.status).toBe('up');
    expect(probe.text).not.toContain(WRONG_KEY);
    expect((await fetch(`http://127.0.0.1:${gateway.port}/health/live`)).status).toBe(200);
  });

  it('is ready with the right key, after one handshake that sent no text, and reuses the answer', async () => {
    const gateway = await boot(RIGHT_KEY);
    const before = emulator.connections.length;
    for (let i = 0; i < 3; i++) {
      const probe = await ready(gateway);
      expect(probe.status).toBe(200);
      expect(probe.body.details.upstream_key).toEqual({ status: 'up', key: 'accepted' });
    }
    const opened = emulator.connections.slice(before);
    expect(opened).toHaveLength(1);
    expect(opened[0].refused).toBeUndefined();
    expect(opened[0].received).toEqual([]);
    expect(opened[0].audioBytesSent).toBe(0);
  });
});
