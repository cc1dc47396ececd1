import { RunningEmulator } from '../support/emulator';
import { TestGateway, fundCompany, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';

describe('gateway: the language query parameter', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  const company = `query-language-${process.pid}`;

  useRelayStack((stack) => ({ emulator, gateway } = stack));
  beforeAll(() => fundCompany(company));

  const url = (language: string) =>
    gateway.streamUrl({ company_id: company, user_id: 'u1', session_id: `s-${language}`, language });

  it('refuses an unsupported language at connect with invalid_request 4400, before any message', async () => {
    const client = await TestClient.connect(url('xx'));
    const close = await client.waitForClose();
    expect(close.code).toBe(4400);
    expect(client.texts).toEqual([expect.objectContaining({ type: 'error', code: 'invalid_request' })]);
    expect(emulator.connections).toHaveLength(0);
  });

  it('takes a BCP-47 tag by its primary language: en-US speaks with the English default voice', async () => {
    const client = await TestClient.connect(url('en-US'));
    client.send({ type: 'Speak', text: 'Hello there.' });
    client.send({ type: 'Flush' });
    const status = await client.waitFor('status');
    expect(status).toMatchObject({ model: 'aura-2-thalia-en' });
    await client.waitFor('Flushed');
    client.close();
  });

  it('takes the same tag in the Config, as the SDK sends it in both (lang: es-MX)', async () => {
    const client = await TestClient.connect(url('es-MX'));
    client.send({ language: 'es-MX', encoding: 'linear16', sample_rate: 16000, container: 'wav' });
    client.send({ type: 'Speak', text: 'Hola.' });
    client.send({ type: 'Flush' });
    const status = await client.waitFor('status');
    expect(status).toMatchObject({ model: 'aura-2-estrella-es' });
    await client.waitFor('Flushed');
    expect(client.texts.filter((m) => m.type === 'error')).toEqual([]);
    client.close();
  });
});
