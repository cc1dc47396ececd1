import { TestGateway } from './gateway';
import { TestClient } from './ws-client';

let counter = 0;

/** Connects to a company with fresh user and session ids (the company's funding is up to the caller). */
export function openSession(gateway: TestGateway, companyId: string): Promise<TestClient> {
  const n = ++counter;
  return TestClient.connect(gateway.streamUrl({ company_id: companyId, user_id: `u-${n}`, session_id: `s-${n}` }));
}

/**
 * Sends a Config: 'admitted' once the upstream is open (the client is closed unless `keepOpen`),
 * else '<error code> <close code> <message>' as the refused client saw it.
 */
export async function sessionOutcome(client: TestClient, keepOpen = false): Promise<string> {
  client.send({ model: 'aura-2-thalia-en' });
  const first = await client.waitFor((m) => m.type === 'status' || m.type === 'error');
  if (first.type === 'status') {
    if (!keepOpen) client.close();
    return 'admitted';
  }
  return `${String(first.code)} ${(await client.waitForClose()).code} ${String(first.message)}`;
}
