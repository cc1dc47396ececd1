/**
 * The operator's endpoints on a real gateway (in-process, real Redis, the emulator as upstream):
 * probes that tell a healthy pod from one that cannot serve, and Prometheus metrics without secrets.
 */
import { randomBytes } from 'crypto';
import { ErrorCode } from '@tts/protocol';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TestGateway, cleanupFunding, connectClient, deleteNamespace, startGateway } from '../support/gateway';
import { testAuthEnv } from '../support/tokens';
import { freePort } from './app-process';

const PREFIX = `ops-health-${process.pid}-${randomBytes(3).toString('hex')}`;

interface HealthBody {
  status: 'ok' | 'error';
  details: Record<string, { status: 'up' | 'down'; message?: string }>;
}

async function probe(gateway: TestGateway, path: string): Promise<{ status: number; body: HealthBody }> {
  const res = await fetch(`http://127.0.0.1:${gateway.port}${path}`);
  return { status: res.status, body: (await res.json()) as HealthBody };
}

describe('gateway health probes and metrics', () => {
  let emulator: RunningEmulator;
  const gateways: TestGateway[] = [];
  const boot = async (env: NodeJS.ProcessEnv) => {
    const gateway = await startGateway({ BULLMQ_PREFIX: PREFIX, ...env });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator?.close();
    await cleanupFunding();
    // The gateways share PREFIX, so startGateway leaves it to this file (usage jobs, leases).
    await deleteNamespace(PREFIX);
  });

  it('is live and ready when Redis and the upstream answer, without any credentials', async () => {
    const gateway = await boot({ ...testAuthEnv, DEEPGRAM_URL: emulator.url });

    const live = await probe(gateway, '/health/live');
    expect(live.status).toBe(200);
    expect(live.body.details.event_loop.status).toBe('up');

    const ready = await probe(gateway, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      details: { sessions: { status: 'up' }, redis: { status: 'up' }, upstream: { status: 'up' } },
    });
  });

  it('is not ready while the upstream is unreachable, but stays live (no restart loop)', async () => {
    const closedPort = await freePort();
    const gateway = await boot({ DEEPGRAM_URL: `ws://127.0.0.1:${closedPort}/v1/speak` });

    const ready = await probe(gateway, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.upstream).toMatchObject({ status: 'down', message: 'ECONNREFUSED' });
    expect(ready.body.details.redis.status).toBe('up');
    expect((await probe(gateway, '/health/live')).status).toBe(200);
  });

  it('is not ready while Redis is unreachable', async () => {
    const gateway = await boot({ DEEPGRAM_URL: emulator.url, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });

    const ready = await probe(gateway, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.details.redis.status).toBe('down');
    expect(ready.body.details.upstream.status).toBe('up');
    expect((await probe(gateway, '/health/live')).status).toBe(200);
  });

  it('exposes Prometheus metrics: upstream errors by class, no ids or secrets in labels', async () => {
    const gateway = await boot({ DEEPGRAM_URL: emulator.url });
    emulator.injectFault({ refuseStatus: 401 });
    const client = await connectClient(gateway, PREFIX);
    client.send({ type: 'Speak', text: 'hola' });
    expect(await client.waitForClose()).toMatchObject({ code: 1011 });
    expect(client.texts).toContainEqual(expect.objectContaining({ type: 'error', code: ErrorCode.UpstreamError }));

    const res = await fetch(`http://127.0.0.1:${gateway.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^tts_gateway_upstream_errors_total\{reason="auth"\} 1$/m);
    expect(text).toMatch(/^tts_gateway_upstream_errors_total\{reason="refused"\} 0$/m);
    expect(text).toMatch(/^tts_gateway_sessions_started_total 1$/m);
    expect(text).toMatch(/^tts_gateway_active_sessions 0$/m);
    for (const name of [
      'tts_gateway_flush_to_first_audio_seconds_bucket{le="0.01"}',
      'tts_gateway_flush_to_first_audio_seconds_bucket{le="2"}',
      'tts_gateway_audio_bytes_relayed_total',
      'tts_gateway_usage_events_published_total',
      'tts_gateway_usage_events_failed_total',
      'tts_gateway_draining',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`\n${name} `);
    }
    const query = new URL(client.ws.url).searchParams;
    for (const id of [query.get('company_id')!, query.get('session_id')!, 'test-deepgram-key']) {
      expect(text).not.toContain(id);
    }
  });
});
