import 'reflect-metadata';
import { BillingEnv, ConfigError, loadConfig } from '@tts/config';
import { createBillingApp } from './billing-app';

async function bootstrap(): Promise<void> {
  const env = loadConfig(BillingEnv);
  const app = await createBillingApp(env);
  await app.listen(env.BILLING_PORT);
}

bootstrap().catch((e: Error) => {
  console.error(
    e instanceof ConfigError ? e.message : JSON.stringify({ msg: 'billing failed to start', err: e.message }),
  );
  process.exit(1);
});
