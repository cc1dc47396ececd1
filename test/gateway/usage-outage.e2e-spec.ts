import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { IncomingMessage } from 'http';
import { RedisConnections } from '@tts/config';
import { ErrorCode, SessionConfig, SessionError, UsageEvent } from '@tts/protocol';
import { GatewayMetrics } from '../../apps/gateway/src/metrics/gateway-metrics.service';
import { ActiveSessions } from '../../apps/gateway/src/session/active-sessions.service';
import { SessionInfo } from '../../apps/gateway/src/session/session-hooks';
import { UsageAdmission } from '../../apps/gateway/src/usage/usage.admission';
import { createUsageQueue } from '../../apps/gateway/src/usage/usage.module';
import { UsageMeter } from '../../apps/gateway/src/usage/usage-meter.service';
import { UsagePublishLimits, UsagePublisher } from '../../apps/gateway/src/usage/usage-publisher.service';
import { PUBLISH_COMMAND_TIMEOUT_MS } from '../../apps/gateway/src/usage/usage.constants';
import { destroyQueue, uniquePrefix, usageQueue } from '../billing/support/billing-harness';
import { RedisProxy } from '../billing/support/redis-proxy';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TEST_REDIS_URL, TestGateway, cleanupFunding, fundCompany, startGateway } from '../support/gateway';
import { openSession, sessionOutcome } from '../support/session-outcome';
import { pollUntil } from '../support/poll';
import { recordingLogger } from '../support/logger';

const PREFIX = `usage-outage-${process.pid}-${Date.now()}`;
const CONFIG: SessionConfig = {
  model: 'aura-2-thalia-en',
  encoding: 'linear16',
  sample_rate: 16000,
  container: 'none',
  language: 'en',
};
const noControl = { terminate: () => undefined };
/** What the relay tells an observer about session `n` of the company that fills the cap. */
const capSession = (n: number) =>
  ({
    connectionId: `${PREFIX}-conn-${n}`,
    gatewayId: 'gw-1',
    query: { company_id: `${PREFIX}-cap`, user_id: 'u1', session_id: `s${n}` },
    request: {} as IncomingMessage,
    openedAt: new Date(),
  }) as SessionInfo;

/** The publisher's logger, recording what was logged at error level (the outage logs are expected here). */
const { logger: publisherLogger, lines: errors } = recordingLogger('error');

async function queued(queue: Queue): Promise<UsageEvent[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
  return jobs.map((j) => j.data as UsageEvent);
}

/** Usage events are never dropped while Redis is unreachable; past the limits, new sessions are refused instead. */
describe('usage publishing during a Redis outage', () => {
  const proxy = new RedisProxy();
  let prefix: string;
  let reader: Queue;

  beforeAll(async () => {
    await proxy.up();
  });
  beforeEach(() => {
    errors.length = 0;
    prefix = uniquePrefix('usage-outage');
    reader = usageQueue(prefix);
  });
  /** Publishers a test made: shut down here too, so one whose test failed midway never reconnects later. */
  const made: UsagePublisher[] = [];
  afterEach(async () => {
    await proxy.up();
    await Promise.all(made.splice(0).map((publisher) => publisher.onApplicationShutdown()));
    await destroyQueue(reader);
  });
  afterAll(async () => {
    await proxy.down();
    await cleanupFunding();
  });

  /** A usage publisher (with its metrics) whose Redis is reached through the proxy. */
  const publisherBehindProxy = (limits?: UsagePublishLimits) => {
    const metrics = new GatewayMetrics(new ActiveSessions());
    const queue = createUsageQueue(new RedisConnections({ REDIS_URL: proxy.url, BULLMQ_PREFIX: prefix }, 'test'));
    const publisher = new UsagePublisher(queue, publisherLogger, metrics, limits);
    made.push(publisher);
    return { metrics, publisher };
  };

  it('refuses new sessions once more events are held than the cap, keeps every one and admits again after', async () => {
    const { metrics, publisher } = publisherBehindProxy({ maxHeldEvents: 3, maxOutageMs: 60_000 });
    const meter = new UsageMeter(publisher, 100);
    meter.onModuleInit();
    const admission = new UsageAdmission(publisher);
    const held = async () => (await metrics.usageEventsHeld.get()).values[0]?.value;

    await proxy.down();
    const taps = [1, 2, 3, 4].map((n) => meter.onSessionStart(capSession(n), CONFIG, noControl));
    taps.forEach((tap) => tap.audioDelivered(3200));
    await pollUntil(
      async () => publisher.pending,
      (n) => n === 4,
      3000,
    );
    expect(await held()).toBe(4);

    for (let i = 0; i < 3; i++) {
      await expect(admission.admit()).rejects.toEqual(
        new SessionError(ErrorCode.UpstreamError, 'usage cannot be recorded, retry shortly'),
      );
    }
    expect(errors.filter((e) => e.includes('usage cannot be recorded'))).toHaveLength(1);

    await proxy.up();
    const events = await pollUntil(
      () => queued(reader),
      (e) => e.length === 4,
      10_000,
    );
    expect(events.reduce((sum, e) => sum + e.audio_bytes, 0)).toBe(4 * 3200);
    // Redis holds them all; the publisher lets go of each once Redis's reply, through the proxy, is read.
    await pollUntil(
      async () => publisher.pending,
      (n) => n === 0,
      5000,
    );
    expect(await held()).toBe(0);
    await expect(admission.admit()).resolves.toBeUndefined();

    await Promise.all(taps.map((tap) => tap.end()));
    meter.onApplicationShutdown();
    await publisher.onApplicationShutdown();
  });

  it('counts a Redis that holds the connection open but never answers as an outage: logged, counted, retried, nothing lost', async () => {
    const { metrics, publisher } = publisherBehindProxy();
    const event = (seq: number): UsageEvent => ({
      event_id: `${PREFIX}-hung:${seq}`,
      company_id: `${PREFIX}-hung`,
      user_id: 'u1',
      session_id: 's1',
      connection_id: `${PREFIX}-hung`,
      gateway_id: 'gw-1',
      model: CONFIG.model,
      encoding: CONFIG.encoding,
      sample_rate: CONFIG.sample_rate,
      container: CONFIG.container,
      audio_bytes: 3200 * seq,
      characters: 10,
      interval_start: new Date().toISOString(),
      interval_end: new Date().toISOString(),
      final: seq === 2,
    });
    publisher.hold(event(1));
    await publisher.publishHeld(); // connected, and Redis answers
    expect(publisher.pending).toBe(0);

    proxy.stall();
    publisher.hold(event(2));
    const attempt = publisher.publishHeld().then(() => 'settled');
    const bound = new Promise((resolve) => setTimeout(resolve, PUBLISH_COMMAND_TIMEOUT_MS + 3000, 'still waiting'));
    // Without a bound on the answer, the publish waits for as long as the connection stays open.
    expect(await Promise.race([attempt, bound])).toBe('settled');
    expect(publisher.retrying).toBe(true);
    expect(publisher.pending).toBe(1);
    expect(errors.some((e) => e.includes('usage queue unreachable'))).toBe(true);
    expect((await metrics.usageEventsFailed.get()).values[0]?.value).toBeGreaterThanOrEqual(1);

    proxy.resume();
    const events = await pollUntil(
      () => queued(reader),
      (e) => e.length === 2,
      10_000,
    );
    expect(events.map((e) => e.audio_bytes).sort()).toEqual([3200, 6400]);
    await pollUntil(
      async () => publisher.pending,
      (n) => n === 0,
      5000,
    );
    await publisher.onApplicationShutdown();
  });

  describe('on a gateway', () => {
    let emulator: RunningEmulator;
    let gateway: TestGateway;
    /** A gateway on the emulator whose Redis is reached through the proxy (the outage switch). */
    const startBehindProxy = (env: Record<string, string> = {}): Promise<TestGateway> =>
      startGateway({
        DEEPGRAM_URL: emulator.url,
        REDIS_URL: proxy.url,
        BULLMQ_PREFIX: prefix,
        DRAIN_TIMEOUT_MS: '1000',
        ...env,
      });
    const redis = new Redis(TEST_REDIS_URL);

    beforeAll(async () => {
      emulator = await startTestEmulator({ speed: 1 });
    });
    afterAll(async () => {
      await emulator?.close();
      await redis.quit();
    });
    afterEach(async () => {
      await gateway?.close();
      gateway = undefined as unknown as TestGateway; // closed once; the next test starts its own
    });

    it('refuses new sessions after 3 report intervals of failed publishing, exports the held count, loses nothing', async () => {
      gateway = await startBehindProxy({ USAGE_FLUSH_INTERVAL_MS: '200' });
      const company = `${PREFIX}-gw`;
      await fundCompany(company);
      const client = await openSession(gateway, company);
      client.send(CONFIG);
      client.send({ type: 'Speak', text: 'Una frase que dura un buen rato mientras Redis no contesta.' });
      client.send({ type: 'Flush' });
      await client.until(() => (client.audio.length > 0 ? true : undefined), 5000, 'first audio');

      await proxy.down();
      const refused = await pollUntil(
        async () => sessionOutcome(await openSession(gateway, company)),
        (outcome) => outcome.includes('usage'),
        5000,
      );
      expect(refused).toBe('upstream_error 1011 usage cannot be recorded, retry shortly');
      expect(await scrapeHeld(gateway)).toBeGreaterThan(0);
      expect(client.readyStateOpen()).toBe(true); // sessions already running go on, metered

      await proxy.up();
      expect(
        await pollUntil(
          async () => sessionOutcome(await openSession(gateway, company)),
          (outcome) => outcome === 'admitted',
          8000,
        ),
      ).toBe('admitted');
      client.send({ type: 'Close' });
      await client.waitFor((m) => m.type === 'status' && m.message === 'closed', 15_000);
      const delivered = client.audio.reduce((sum, frame) => sum + frame.length, 0);
      // Only the streaming session produced audio, so every event of the company is its own.
      const events = await pollUntil(
        async () => (await queued(reader)).filter((e) => e.company_id === company),
        (e) => e.some((x) => x.final),
        10_000,
      );
      expect(events.reduce((sum, e) => sum + e.audio_bytes, 0)).toBe(delivered);
      expect(await scrapeHeld(gateway)).toBe(0);
    });

    it('a drain waits for a closing session whose final usage hand-off is slow: the client still gets `closed` and 1000', async () => {
      gateway = await startBehindProxy({ DRAIN_TIMEOUT_MS: '10000' });
      const company = `${PREFIX}-drain`;
      await fundCompany(company);
      const client = await openSession(gateway, company);
      client.send(CONFIG);
      client.send({ type: 'Speak', text: 'Hola.' });
      client.send({ type: 'Flush' });
      await client.waitFor('Flushed', 5000);

      // Redis hung: the final event's hand-off waits out its timeout (2 s) before `closed`.
      proxy.stall();
      const drained = gateway.close(); // SIGTERM's path: the drain starts and waits for the session
      client.send({ type: 'Close' });
      const closed = client.waitFor((m) => m.type === 'status' && m.message === 'closed', 8000);
      await expect(closed).resolves.toMatchObject({ type: 'status', message: 'closed' });
      expect(await client.waitForClose()).toMatchObject({ code: 1000 });
      proxy.resume(); // the held final event goes out during shutdown
      await drained;
      const events = await pollUntil(
        async () => (await queued(reader)).filter((e) => e.company_id === company),
        (e) => e.some((x) => x.final),
        10_000,
      );
      expect(events.some((e) => e.final)).toBe(true);
    });

    it('a drain waits for a connection still being admitted, then refuses it with server_shutdown (1001)', async () => {
      gateway = await startBehindProxy({ DRAIN_TIMEOUT_MS: '10000' });
      const company = `${PREFIX}-admitting`;
      await fundCompany(company);
      proxy.stall(); // Redis hangs: the admission (balance, lease) waits for it
      const client = await openSession(gateway, company);
      let drainDone = false;
      const drained = gateway.close().then(() => (drainDone = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(drainDone).toBe(false); // the drain sees the connection being admitted
      proxy.resume();
      const refused = await client.waitFor((m) => m.type === 'error', 5000);
      expect(refused).toMatchObject({ code: 'server_shutdown' });
      expect(await client.waitForClose()).toMatchObject({ code: 1001 });
      await drained;
    });

    it('a gateway shut down while Redis is unreachable leaves no connection retrying behind', async () => {
      gateway = await startBehindProxy();
      // Cut Redis once the gateway's depletion subscriber is subscribed: a subscribe still in flight
      // at close is rejected inside @nestjs/microservices, where nothing can catch it.
      await pollUntil(
        () => redis.pubsub('CHANNELS', `${prefix}:*`) as Promise<string[]>,
        (channels) => channels.length > 0,
      );
      await proxy.down();
      // Closed once the gateway has seen the outage (its clients are reconnecting, not merely idle).
      await pollUntil(
        async () => (await fetch(`http://127.0.0.1:${gateway.port}/health/ready`)).status,
        (status) => status === 503,
      );
      await gateway.close();
      const before = proxy.accepted;
      await proxy.up();
      // Longer than the slowest reconnect of any of the gateway's clients (usage queue: 2 s at most).
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(proxy.accepted - before).toBe(0);
    });
  });
});

async function scrapeHeld(gateway: TestGateway): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('tts_gateway_usage_events_held '));
  return Number(line?.split(' ')[1]);
}
