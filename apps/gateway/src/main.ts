import { ConfigError } from '@tts/config';
import { createGateway } from './bootstrap';
import { tuneHeapGrowing } from './heap-growing';

tuneHeapGrowing();
createGateway()
  // Exit 0 after the drain (GatewayDrain); without useProcessExit Nest re-raises the signal and exits 143.
  .then(({ app }) => app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true }))
  .catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
