import 'reflect-metadata';
import { BillingEnv, ConfigError, loadConfig } from '@tts/config';
import { createBillingApp } from './billing-app';
import { SHUTDOWN_DEADLINE_MS } from './config/billing.constants';

async function bootstrap(): Promise<void> {
  const env = loadConfig(BillingEnv);
  const app = await createBillingApp(env);
  await app.listen(env.BILLING_PORT);
  // Armed once listening: the deadline bounds shutdowns, never a boot.
  process.once('SIGTERM', exitAfterDeadline);
  process.once('SIGINT', exitAfterDeadline);
}

/**
 * A stop signal starts Nest's shutdown; while Redis is unreachable BullMQ's closes never finish, so a
 * process that has not exited after SHUTDOWN_DEADLINE_MS exits anyway (within Kubernetes' default 30 s
 * grace, so the pod is not killed without a word). What the ledger committed is safe; jobs in flight
 * are retried by another process when their lock expires.
 */
function exitAfterDeadline(): void {
  setTimeout(() => {
    console.error(JSON.stringify({ level: 50, service: 'billing', msg: 'shutdown did not finish in time: exiting' }));
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
}

bootstrap().catch((e: Error) => {
  console.error(
    e instanceof ConfigError ? e.message : JSON.stringify({ msg: 'billing failed to start', err: e.message }),
  );
  process.exit(1);
});
