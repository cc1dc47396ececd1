import { connectSpeak, refusedUpgrade } from '../emulator/speak-client';
import { ContractTarget, startContractTarget } from './contract-target';

/**
 * Deepgram's /v1/speak handshake as the gateway relies on it. Runs against the emulator in
 * `npm test`, and against Deepgram with `CONTRACT_TARGET=deepgram` (see the emulator README).
 */
describe('Deepgram contract: handshake', () => {
  let target: ContractTarget;
  beforeAll(async () => {
    target = await startContractTarget();
  });
  afterAll(() => target.close());

  const withQuery = (query: string): string => `${target.url}?${query}`;

  it('accepts the key in `Authorization: Token` and sends Metadata first', async () => {
    const client = await connectSpeak(withQuery('model=aura-2-thalia-en'), { key: target.key });
    expect(await client.next('Metadata')).toMatchObject({
      type: 'Metadata',
      request_id: expect.any(String),
      model_name: 'aura-2-thalia-en',
    });
    expect(client.order[0]).toBe('Metadata');
    client.ws.close();
  });

  it('accepts the key as the `token, <key>` subprotocol and echoes `token`', async () => {
    const client = await connectSpeak(target.url, { protocols: ['token', target.key] });
    expect(client.ws.protocol).toBe('token');
    await client.next('Metadata');
    client.ws.close();
  });

  it('refuses a wrong key with HTTP 401 carrying dg-request-id and dg-error', async () => {
    const { res } = await refusedUpgrade(target.url, { Authorization: 'Token not-a-valid-key-0000' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['dg-request-id']).toBeTruthy();
    expect(res.headers['dg-error']).toBeTruthy();
  });

  it.each([
    ['model=aura-2-nobody-en', 'an unknown model'],
    ['encoding=mulaw&sample_rate=48000', 'a sample rate the encoding does not offer'],
    ['model=aura-2-thalia-en&speed=1.6', 'speed above 1.5'],
    ['model=aura-2-thalia-en&speed=0.6', 'speed below 0.7'],
    ['model=aura-2-julius-de&speed=1.2', 'speed on a German voice'],
  ])('refuses %s (%s) with HTTP 400 and dg-error', async (query) => {
    const { res } = await refusedUpgrade(withQuery(query), { Authorization: `Token ${target.key}` });
    expect(res.statusCode).toBe(400);
    expect(res.headers['dg-error']).toBeTruthy();
    expect(res.headers['dg-request-id']).toBeTruthy();
  });

  it.each([
    ['linear16', 16000, 2],
    ['mulaw', 8000, 1],
    ['alaw', 16000, 1],
  ] as const)('streams raw %s at %d Hz (no container header)', async (encoding, rate, sampleBytes) => {
    const query = `model=aura-2-thalia-en&encoding=${encoding}&sample_rate=${rate}`;
    const client = await connectSpeak(withQuery(query), { key: target.key });
    client.send({ type: 'Speak', text: 'Hello.' });
    client.send({ type: 'Flush' });
    await client.next('Flushed');
    const audio = Buffer.concat(client.audio);
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.length % sampleBytes).toBe(0);
    expect(audio.subarray(0, 4).toString('latin1')).not.toBe('RIFF');
    client.ws.close();
  });

  it('takes speed 0.7-1.5 on English and Spanish Aura-2 voices: faster speech is shorter', async () => {
    const text = 'Speed changes how long this sentence takes.';
    const audioBytes = async (query: string): Promise<number> => {
      const client = await connectSpeak(withQuery(query), { key: target.key });
      client.send({ type: 'Speak', text });
      client.send({ type: 'Flush' });
      await client.next('Flushed');
      client.ws.close();
      return client.audioBytes();
    };
    const slow = await audioBytes('model=aura-2-thalia-en&speed=0.7');
    const fast = await audioBytes('model=aura-2-estrella-es&speed=1.5');
    expect(fast).toBeGreaterThan(0);
    expect(slow).toBeGreaterThan(fast * 1.5);
  });
});
