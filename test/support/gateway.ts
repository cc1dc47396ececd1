import Redis from 'ioredis';
import { RedisNamespace, TTS_STREAM_PATH } from '@tts/protocol';
import { RunningGateway, createGateway } from '../../apps/gateway/src/bootstrap';
import { EmulatorOptions, RunningEmulator, startTestEmulator } from './emulator';
import { deleteKeys } from './redis-keys';
import { TestClient } from './ws-client';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestGateway extends RunningGateway {
  /** ws://127.0.0.1:<port>/tts/deepgram/stream?<query> */
  streamUrl(query: Record<string, string>): string;
  close(): Promise<void>;
}

/**
 * Boots the real gateway in-process on a free port: auth off and quiet logs unless overridden.
 * Pass the upstream as DEEPGRAM_URL (an emulator's url).
 */
export async function startGateway(envOverrides: NodeJS.ProcessEnv = {}): Promise<TestGateway> {
  // Usage jobs go to a queue of this gateway's own, never to a developer's real `bull:tts-usage`.
  const ownPrefix = `test-gw-${process.pid}-${++gatewayCounter}`;
  const gateway = await createGateway({
    AUTH_DISABLED: 'true',
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'silent',
    DEEPGRAM_API_KEY: 'test-deepgram-key',
    BULLMQ_PREFIX: ownPrefix,
    // One upstream connection per session, as most tests count them; pool tests turn it on.
    UPSTREAM_POOL_SIZE: '0',
    ...envOverrides,
  });
  liveNamespaces.add(gateway.env.BULLMQ_PREFIX);
  return {
    ...gateway,
    streamUrl: (query) => `ws://127.0.0.1:${gateway.port}${TTS_STREAM_PATH}?${new URLSearchParams(query)}`,
    close: async () => {
      liveNamespaces.delete(gateway.env.BULLMQ_PREFIX);
      await gateway.close();
      if (!envOverrides.BULLMQ_PREFIX) await deleteKeys(`${ownPrefix}:*`);
    },
  };
}

let gatewayCounter = 0;
/** BULLMQ_PREFIX of every gateway this file started and has not closed: where fundCompany writes by default. */
const liveNamespaces = new Set<string>();

/** Removes every key of a namespace (BULLMQ_PREFIX) that a test shared between gateways. */
export const deleteNamespace = (prefix: string) => deleteKeys(`${prefix}:*`);

let redis: Redis | undefined;
const funded = new Set<string>();

/**
 * Gives a company credits the way billing does: its balance key in the real Redis, in the namespace
 * `prefix` (a gateway process's BULLMQ_PREFIX) or else in that of every live gateway of this file.
 */
export async function fundCompany(companyId: string, credits = 1000, prefix?: string): Promise<void> {
  const prefixes = prefix ? [prefix] : [...liveNamespaces];
  if (prefixes.length === 0) throw new Error('fundCompany: start a gateway first, or pass its BULLMQ_PREFIX');
  redis ??= new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
  for (const p of prefixes) {
    const key = new RedisNamespace(p).balanceKey(companyId);
    await redis.set(key, String(credits));
    funded.add(key);
  }
}

/** Removes the balance keys this test file created and closes the Redis connection. */
export async function cleanupFunding(): Promise<void> {
  if (!redis) return;
  if (funded.size > 0) await redis.del(...funded);
  funded.clear();
  await redis.quit();
  redis = undefined;
}

let sessionCounter = 0;

/**
 * Opens a client session on a funded company: unique ids per call unless given.
 * `prefix` keeps company ids unique per test file.
 */
export async function connectClient(
  gateway: TestGateway,
  prefix: string,
  query: Partial<Record<'company_id' | 'user_id' | 'session_id' | 'language', string>> = {},
): Promise<TestClient> {
  const n = ++sessionCounter;
  const full = {
    company_id: `${prefix}-co-${process.pid}-${n}`,
    user_id: `user-${n}`,
    session_id: `session-${n}`,
    ...query,
  };
  await fundCompany(full.company_id, 1000, gateway.env.BULLMQ_PREFIX);
  return TestClient.connect(gateway.streamUrl(full));
}

export interface RelayStack {
  emulator: RunningEmulator;
  gateway: TestGateway;
}

/**
 * An emulator and a gateway on it for the enclosing describe block (booted in beforeAll, closed with the
 * file's funding in afterAll). `assign` hands them to the block's variables once they are up.
 * `gateway` may be a function when its env is only known once earlier hooks ran (a proxy's port).
 */
export function useRelayStack(
  assign: (stack: RelayStack) => void,
  options: { emulator?: EmulatorOptions; gateway?: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv) } = {},
): void {
  let stack: Partial<RelayStack> = {};
  beforeAll(async () => {
    const emulator = await startTestEmulator(options.emulator);
    const env = typeof options.gateway === 'function' ? options.gateway() : options.gateway;
    stack = { emulator, gateway: await startGateway({ DEEPGRAM_URL: emulator.url, ...env }) };
    assign(stack as RelayStack);
  });
  afterAll(async () => {
    await stack.gateway?.close();
    await stack.emulator?.close();
    await cleanupFunding();
  });
}
