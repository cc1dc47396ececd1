/**
 * Billing and one gateway as real processes, what a deployment runs, on their own database, emulator and
 * Redis namespace: for specs that read what both services write to their logs.
 */
import { TestDatabase, createTestDatabase } from '../support/database';
import { EmulatorOptions, RunningEmulator, startTestEmulator } from '../support/emulator';
import { TEST_REDIS_URL, deleteNamespace } from '../support/gateway';
import {
  AppProcess,
  BILLING_ENTRY,
  GATEWAY_ENTRY,
  ensureBuilt,
  startBillingProcess,
  startGatewayProcess,
} from './app-process';

export interface ServicePair {
  database: TestDatabase;
  emulator: RunningEmulator;
  billing: AppProcess;
  gateway: AppProcess;
  /** Stops both processes (flushing their logs) and removes the database and the namespace's keys. */
  stop(): Promise<void>;
}

export interface ServicePairOptions {
  /** Both processes' environment, on top of Redis and the namespace (e.g. LOG_LEVEL). */
  shared?: NodeJS.ProcessEnv;
  billing?: NodeJS.ProcessEnv;
  gateway?: NodeJS.ProcessEnv;
  emulator?: EmulatorOptions;
}

export async function startServicePair(label: string, options: ServicePairOptions = {}): Promise<ServicePair> {
  const namespace = `test-${label}-${process.pid}`;
  const started: Partial<Omit<ServicePair, 'stop'>> = {};
  const stop = async (): Promise<void> => {
    await Promise.all([started.gateway?.stop(), started.billing?.stop()]);
    await started.emulator?.close();
    await started.database?.drop();
    await deleteNamespace(namespace);
  };
  try {
    await ensureBuilt([GATEWAY_ENTRY, BILLING_ENTRY]);
    started.database = await createTestDatabase(label);
    started.emulator = await startTestEmulator(options.emulator);
    const shared = { REDIS_URL: TEST_REDIS_URL, BULLMQ_PREFIX: namespace, ...options.shared };
    // One after the other: a failed start must not leave the other process running.
    started.billing = await startBillingProcess({ ...shared, DATABASE_URL: started.database.url, ...options.billing });
    started.gateway = await startGatewayProcess({ ...shared, DEEPGRAM_URL: started.emulator.url, ...options.gateway });
  } catch (error) {
    await stop();
    throw error;
  }
  return { ...(started as Omit<ServicePair, 'stop'>), stop };
}
