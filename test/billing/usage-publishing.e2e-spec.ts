import { Queue } from 'bullmq';
import { IncomingMessage } from 'http';
import { QueueName, SessionConfig, UsageEvent, usageJobId } from '@tts/protocol';
import { SessionControl, SessionInfo } from '../../apps/gateway/src/session/session-hooks';
import { UsageMeter } from '../../apps/gateway/src/usage/usage-meter.service';
import { UsagePublisher } from '../../apps/gateway/src/usage/usage-publisher.service';
import { destroyQueue, uniquePrefix, usageQueue } from './support/billing-harness';
import { RedisProxy } from './support/redis-proxy';
import { pollUntil } from '../support/poll';
import { testLogger } from '../support/logger';

const CONFIG: SessionConfig = {
  model: 'aura-2-thalia-en',
  encoding: 'linear16',
  sample_rate: 24000,
  container: 'wav',
  language: 'en',
};
const control: SessionControl = { terminate: () => undefined };

let connections = 0;
function session(companyId: string): SessionInfo {
  const connectionId = `c${process.pid}x${++connections}`;
  return {
    connectionId,
    gatewayId: 'gw-1',
    query: { company_id: companyId, user_id: 'u1', session_id: `s${connections}` } as SessionInfo['query'],
    request: {} as IncomingMessage,
    openedAt: new Date(),
  };
}

/** The gateway's meter and publisher, as UsageModule wires them, on a queue behind a Redis we can break. */
function gatewayUsage(proxy: RedisProxy, prefix: string, intervalMs = 100) {
  const queue = new Queue(QueueName.TtsUsage, {
    prefix,
    connection: { url: proxy.url, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 },
  });
  const publisher = new UsagePublisher(queue, testLogger()); // the outage logs are expected here
  const meter = new UsageMeter(publisher, intervalMs);
  meter.onModuleInit();
  return {
    publisher,
    meter,
    close: () => Promise.all([meter.onApplicationShutdown(), publisher.onApplicationShutdown()]),
  };
}

async function queued(queue: Queue): Promise<UsageEvent[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return jobs.map((j) => j.data as UsageEvent).sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
}

describe('gateway usage metering and publishing', () => {
  const proxy = new RedisProxy();
  let prefix: string;
  let reader: Queue;

  beforeAll(async () => {
    await proxy.up();
  });
  beforeEach(() => {
    prefix = uniquePrefix('meter');
    reader = usageQueue(prefix);
  });
  afterEach(async () => {
    await proxy.up().catch(() => undefined);
    await destroyQueue(reader);
  });
  afterAll(() => proxy.down());

  it('publishes an event per interval with new audio and a final one, ids <connection_id>:<seq>', async () => {
    const usage = gatewayUsage(proxy, prefix);
    const info = session('co-intervals');
    const tap = usage.meter.onSessionStart(info, CONFIG, control);
    tap.textSent(12);
    tap.audioDelivered(4800);
    tap.audioDelivered(4800);
    await pollUntil(
      () => queued(reader),
      (e) => e.length === 1,
    );
    await new Promise((r) => setTimeout(r, 250)); // quiet intervals publish nothing
    tap.audioDelivered(2400);
    await pollUntil(
      () => queued(reader),
      (e) => e.length === 2,
    );
    await tap.end();
    const events = await queued(reader);
    await usage.close();

    expect(events.map((e) => [e.event_id, e.audio_bytes, e.characters, e.final])).toEqual([
      [`${info.connectionId}:0`, 9600, 12, false],
      [`${info.connectionId}:1`, 2400, 0, false],
      [`${info.connectionId}:2`, 0, 0, true],
    ]);
    expect(events[0]).toMatchObject({
      company_id: 'co-intervals',
      user_id: 'u1',
      session_id: info.query.session_id,
      connection_id: info.connectionId,
      gateway_id: 'gw-1',
      model: 'aura-2-thalia-en',
      encoding: 'linear16',
      sample_rate: 24000,
      container: 'wav',
    });
    expect(events[1].interval_start).toBe(events[0].interval_end);
    const job = await reader.getJob(usageJobId(events[0].event_id));
    expect(job?.opts).toMatchObject({ attempts: expect.any(Number), removeOnFail: false });
  });

  it('holds events while Redis is unreachable and publishes every one when it is back', async () => {
    const usage = gatewayUsage(proxy, prefix);
    const tap = usage.meter.onSessionStart(session('co-outage'), CONFIG, control);
    tap.audioDelivered(1000);
    await pollUntil(
      () => queued(reader),
      (e) => e.length === 1,
    );

    await proxy.down();
    tap.audioDelivered(2000);
    await new Promise((r) => setTimeout(r, 300));
    tap.audioDelivered(3000);
    const started = Date.now();
    await tap.end(); // bounded: the session's end does not hang on the outage
    expect(Date.now() - started).toBeLessThan(3000);
    expect(usage.publisher.pending).toBeGreaterThan(0);

    await proxy.up();
    const events = await pollUntil(
      () => queued(reader),
      (e) => e.some((x) => x.final),
      15_000,
    );
    await usage.close();
    expect(events.reduce((sum, e) => sum + e.audio_bytes, 0)).toBe(6000);
    expect(events[events.length - 1].final).toBe(true);
  });

  it('publishes held events at shutdown once Redis answers within the bounded wait', async () => {
    const usage = gatewayUsage(proxy, prefix, 60_000);
    const tap = usage.meter.onSessionStart(session('co-shutdown'), CONFIG, control);
    await proxy.down();
    tap.audioDelivered(7000);
    await tap.end();
    expect(usage.publisher.pending).toBe(1);
    setTimeout(() => void proxy.up(), 500);
    await usage.close(); // onApplicationShutdown
    expect(usage.publisher.pending).toBe(0);
    expect((await queued(reader)).map((e) => [e.audio_bytes, e.final])).toEqual([[7000, true]]);
  });

  it('boots while Redis is down and publishes once it comes up', async () => {
    await proxy.down();
    const usage = gatewayUsage(proxy, prefix);
    const tap = usage.meter.onSessionStart(session('co-boot'), CONFIG, control);
    tap.audioDelivered(500);
    await new Promise((r) => setTimeout(r, 400));
    expect(usage.publisher.pending).toBe(1);
    await proxy.up();
    await pollUntil(
      () => queued(reader),
      (e) => e.length === 1,
      15_000,
    );
    await tap.end();
    await usage.close();
    expect((await queued(reader)).map((e) => e.audio_bytes)).toEqual([500, 0]);
  });
});
