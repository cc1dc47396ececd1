import { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomBytes } from 'crypto';
import { AddressInfo } from 'net';
import { DataSource } from 'typeorm';
import { BillingEnv, loadConfig } from '@tts/config';
import Redis from 'ioredis';
import { JobName, QueueName, RedisNamespace, UsageEvent, usageEventId, usageJobId } from '@tts/protocol';
import { createBillingApp } from '../../../apps/billing/src/billing-app';
import { billingDataSourceOptions } from '../../../apps/billing/src/database/data-source';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN_TOKEN = 'test-admin-token';

export interface TestBilling {
  app: INestApplication;
  url: string;
  /** Its BULLMQ_PREFIX: the namespace of its queues and of the balance keys it writes. */
  prefix: string;
  close(): Promise<void>;
}

/** An admin API call with the test token and a JSON body; the answer's status and parsed body. */
export async function adminCall(billing: TestBilling, method: string, path: string, body?: unknown) {
  const res = await fetch(billing.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A unique BullMQ prefix, so each test file has its own usage queue. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The real billing app in-process on a free port; close() also removes its queue's keys. */
export async function startBilling(env: Record<string, string>): Promise<TestBilling> {
  const config = loadConfig(BillingEnv, {
    REDIS_URL: TEST_REDIS_URL,
    BILLING_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', // the test receivers listen on 127.0.0.1
    ...env,
  });
  process.env.LOG_LEVEL ??= 'silent';
  const app = await createBillingApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const close = async () => {
    await app.close();
    await destroyQueue(usageQueue(config.BULLMQ_PREFIX));
  };
  return { app, url: `http://127.0.0.1:${port}`, prefix: config.BULLMQ_PREFIX, close };
}

let eventCounter = 0;

/** A valid usage event; `seconds` of linear16 16 kHz audio unless overridden. */
export function usageEvent(companyId: string, overrides: Partial<UsageEvent> = {}): UsageEvent {
  const connection = overrides.connection_id ?? `conn-${process.pid}-${++eventCounter}`;
  return {
    event_id: usageEventId(connection, 0),
    company_id: companyId,
    user_id: 'user-1',
    session_id: 'session-1',
    connection_id: connection,
    gateway_id: 'gw-test',
    model: 'aura-2-thalia-en',
    encoding: 'linear16',
    sample_rate: 16000,
    container: 'wav',
    audio_bytes: 32000,
    characters: 10,
    interval_start: new Date(Date.now() - 1000).toISOString(),
    interval_end: new Date().toISOString(),
    final: false,
    ...overrides,
  };
}

export function usageQueue(prefix: string): Queue {
  return new Queue(QueueName.TtsUsage, { prefix, connection: { url: TEST_REDIS_URL } });
}

export function webhookQueue(prefix: string): Queue {
  return new Queue(QueueName.LowBalanceWebhooks, { prefix, connection: { url: TEST_REDIS_URL } });
}

/** Enqueues like the gateway does (jobId = event_id unless a delivery suffix is given), in bulk. */
export async function enqueue(queue: Queue, events: UsageEvent[], delivery = ''): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    await queue.addBulk(
      events.slice(i, i + 1000).map((e) => ({
        name: JobName.Usage,
        data: e,
        opts: {
          jobId: usageJobId(e.event_id) + delivery,
          removeOnComplete: true,
          removeOnFail: false,
          attempts: 5,
          backoff: 100,
        },
      })),
    );
  }
}

/**
 * Removes every key of a test queue. For the usage queue, also billing's webhook queue under the same
 * prefix: every billing process registers it (its `meta` key stays otherwise).
 */
export async function destroyQueue(queue: Queue): Promise<void> {
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  if (queue.name === QueueName.TtsUsage) await destroyQueue(webhookQueue(queue.opts.prefix!));
}

export async function openDataSource(url: string): Promise<DataSource> {
  return new DataSource(billingDataSourceOptions(url)).initialize();
}

export async function balanceOf(db: DataSource, companyId: string): Promise<string | undefined> {
  const [row] = await db.query(`SELECT balance_credits::text AS b FROM companies WHERE company_id = $1`, [companyId]);
  return row?.b;
}

/** '1234.5678905' -> 1234567891n (micro-credits, half away from zero). */
export function toMicro(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.replace('-', '').split('.');
  const units = BigInt(whole + fraction.padEnd(18, '0').slice(0, 18));
  const micro = (units + 500_000_000_000n) / 1_000_000_000_000n;
  return decimal.startsWith('-') ? -micro : micro;
}

/** Deletes the balance keys (and their version keys) billing wrote in namespace `prefix` for this file's companies. */
export async function deleteBalanceKeys(prefix: string, companyPrefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    const namespace = new RedisNamespace(prefix);
    const keys = [
      ...(await redis.keys(`${namespace.balanceKey(companyPrefix)}*`)),
      ...(await redis.keys(`${namespace.balanceVersionKey(companyPrefix)}*`)),
    ];
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
