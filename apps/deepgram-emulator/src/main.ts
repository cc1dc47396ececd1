import { ConfigError } from '@tts/config';
import { createEmulatorApp } from './bootstrap';

createEmulatorApp()
  .then(({ app }) => {
    // Graceful stop: live connections get a close frame (1001), then exit 0.
    const stop = (): void => void app.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  })
  .catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
