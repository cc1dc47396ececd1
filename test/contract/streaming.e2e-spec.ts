import { UPSTREAM_FLUSH_LIMIT_WARNING_CODE } from '@tts/protocol';
import { connectSpeak } from '../emulator/speak-client';
import { ContractTarget, startContractTarget, textOfLength } from './contract-target';

/**
 * Deepgram's /v1/speak messages and limits as the gateway relies on them. Runs against the
 * emulator in `npm test`, and against Deepgram with `CONTRACT_TARGET=deepgram` (see the emulator README).
 */
describe('Deepgram contract: messages and limits', () => {
  let target: ContractTarget;
  beforeAll(async () => {
    target = await startContractTarget();
  });
  afterAll(() => target.close());

  const connect = (model = 'aura-2-thalia-en') =>
    connectSpeak(`${target.url}?model=${model}&encoding=linear16&sample_rate=24000`, { key: target.key });

  it('sends audio before its Flushed, and numbers Flushed and Cleared from 0 each', async () => {
    const client = await connect();
    client.send({ type: 'Speak', text: 'One.' });
    client.send({ type: 'Flush' });
    expect(await client.next('Flushed', 0)).toEqual({ type: 'Flushed', sequence_id: 0 });
    expect(client.order.indexOf('audio')).toBeGreaterThan(client.order.indexOf('Metadata'));
    expect(client.order.lastIndexOf('audio')).toBeLessThan(client.order.indexOf('Flushed'));
    client.send({ type: 'Speak', text: 'Two.' });
    client.send({ type: 'Flush' });
    expect(await client.next('Flushed', 1)).toEqual({ type: 'Flushed', sequence_id: 1 });
    client.send({ type: 'Clear' });
    expect(await client.next('Cleared', 0)).toEqual({ type: 'Cleared', sequence_id: 0 });
    client.send({ type: 'Clear' });
    expect(await client.next('Cleared', 1)).toEqual({ type: 'Cleared', sequence_id: 1 });
    client.ws.close();
  });

  it("answers the 21st Flush within 60 s with a Warning carrying Deepgram's flush-limit code, and no Flushed", async () => {
    const client = await connect();
    for (let i = 0; i < 21; i++) {
      client.send({ type: 'Speak', text: 'Hi.' });
      client.send({ type: 'Flush' });
    }
    const warning = await client.next('Warning');
    // The gateway recognises the refusal by this code, in whichever field pair Deepgram sends.
    expect(warning.code ?? warning.warn_code).toBe(UPSTREAM_FLUSH_LIMIT_WARNING_CODE);
    expect(typeof (warning.description ?? warning.warn_msg)).toBe('string');
    await client.next('Flushed', 19);
    client.send({ type: 'Close' });
    await client.closed;
    expect(client.messages.filter((m) => m.type === 'Flushed')).toHaveLength(20);
  });

  it('closes 1008 DATA-0000 on a message that is not a command', async () => {
    const client = await connect();
    client.send({ type: 'Reset' });
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('DATA-0000');
  });

  it('closes 1003 MESSAGE-0000 on a binary frame', async () => {
    const client = await connect();
    client.ws.send(Buffer.from([1, 2, 3]));
    const closed = await client.closed;
    expect(closed.code).toBe(1003);
    expect(closed.reason).toContain('MESSAGE-0000');
  });

  it.each([
    ['aura-2-thalia-en', 1000],
    ['aura-asteria-en', 2000],
  ])('closes 1009 BIG-0001 on a Speak over the limit of %s (%d characters)', async (model, limit) => {
    const client = await connect(model);
    client.send({ type: 'Speak', text: textOfLength(limit + 1) });
    const closed = await client.closed;
    expect(closed.code).toBe(1009);
    expect(closed.reason).toContain('BIG-0001');
  });

  it('takes Speaks of exactly 1,000 characters up to 2,400 in 60 s, and closes 1008 DATA-0001 on the next', async () => {
    const client = await connect();
    for (const length of [1000, 1000, 400]) client.send({ type: 'Speak', text: textOfLength(length) });
    client.send({ type: 'Clear' }); // dropping the text frees nothing of the window, and proves all three were taken
    expect(await client.next('Cleared')).toEqual({ type: 'Cleared', sequence_id: 0 });
    client.send({ type: 'Speak', text: 'x' });
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('DATA-0001');
    expect(client.messages.some((m) => m.type === 'Warning')).toBe(false);
  });
});
