import Redis from 'ioredis';
import { CREDIT_BALANCE_KEY_PREFIX, TTS_STREAM_PATH } from '@tts/protocol';
import { RunningGateway, createGateway } from '../../apps/gateway/src/bootstrap';
import { EmulatorOptions, RunningEmulator, startTestEmulator } from './emulator';
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
  return {
    ...gateway,
    streamUrl: (query) => `ws://127.0.0.1:${gateway.port}${TTS_STREAM_PATH}?${new URLSearchParams(query)}`,
    close: async () => {
      await gateway.close();
      if (!envOverrides.BULLMQ_PREFIX) await deleteKeys(`${ownPrefix}:*`);
    },
  };
}

let gatewayCounter = 0;

async function deleteKeys(pattern: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
  try {
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: pattern, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

let redis: Redis | undefined;
const funded = new Set<string>();

/** Gives a company credits the way billing does: its balance key in the real Redis. */
export async function fundCompany(companyId: string, credits = 1000): Promise<void> {
  redis ??= new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
  await redis.set(`${CREDIT_BALANCE_KEY_PREFIX}${companyId}`, String(credits));
  funded.add(companyId);
}

/** Removes the balance keys this test file created and closes the Redis connection. */
export async function cleanupFunding(): Promise<void> {
  if (!redis) return;
  if (funded.size > 0) await redis.del(...[...funded].map((id) => `${CREDIT_BALANCE_KEY_PREFIX}${id}`));
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
  await fundCompany(full.company_id);
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
