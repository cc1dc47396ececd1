/**
 * What an operator's log holds of HTTP traffic, on both real processes: every client request leaves a
 * request line, but the kubelet's probes and Prometheus's scrapes (every few seconds, on every pod) do not.
 */
import { testAuthEnv } from '../support/tokens';
import { AppProcess } from './app-process';
import { ServicePair, startServicePair } from './service-pair';

const ADMIN_TOKEN = `admin-secret-${process.pid}-request-logs`;
const PROBES = ['/health/live', '/health/ready', '/metrics', '/health/ready?probe=kubelet'];
/** Near the probe paths, but not them: a client's mistake that an operator must still see. */
const OTHERS = ['/healthz', '/health', '/metrics-old', '/health/live/extra', '/nope'];

async function get(app: AppProcess, path: string, method = 'GET'): Promise<number> {
  const res = await fetch(`${app.baseUrl}${path}`, { method });
  await res.arrayBuffer();
  return res.status;
}

/** The URLs of the request lines a process has logged (pino-http puts the request under `req`). */
function loggedUrls(app: AppProcess): string[] {
  return app.logs.flatMap((line) => {
    const req = line.req as { url?: string } | undefined;
    return line.res && typeof req?.url === 'string' ? [req.url] : [];
  });
}

describe('HTTP request lines in the logs', () => {
  let pair: ServicePair;
  let gateway: AppProcess;
  let billing: AppProcess;

  beforeAll(async () => {
    pair = await startServicePair('request-logs', {
      shared: { LOG_LEVEL: 'info' },
      billing: { BILLING_ADMIN_TOKEN: ADMIN_TOKEN },
      gateway: testAuthEnv,
    });
    ({ gateway, billing } = pair);
  }, 60_000);

  afterAll(() => pair?.stop());

  it('leaves out probes and scrapes, and keeps every other request, on the gateway and on billing', async () => {
    for (const app of [gateway, billing]) {
      for (let round = 0; round < 3; round++) for (const path of PROBES) expect(await get(app, path)).toBe(200);
      for (const path of OTHERS) expect(await get(app, path)).toBe(404);
      expect(await get(app, '/metrics', 'POST')).toBe(404); // only a GET is a scrape
    }
    expect(await get(gateway, '/v1/balance')).toBe(401);
    expect(await get(billing, '/v1/companies/request-logs-co')).toBe(401);
    // Request lines are written as responses finish; stopping flushes them.
    await Promise.all([gateway.stop(), billing.stop()]);

    expect(loggedUrls(gateway).sort()).toEqual([...OTHERS, '/metrics', '/v1/balance'].sort());
    expect(loggedUrls(billing).sort()).toEqual([...OTHERS, '/metrics', '/v1/companies/request-logs-co'].sort());
  });
});
