import { buildClientBundle } from '../../../libs/client/build-bundle';
import { RunningEmulator, startTestEmulator } from '../../support/emulator';
import { TestGateway, cleanupFunding, fundCompany, startGateway } from '../../support/gateway';

export interface BrowserStack {
  emulator: RunningEmulator;
  gateway: TestGateway;
  /** http://127.0.0.1:<gateway port> */
  origin: string;
  /** A funded company id, unique to this test file and call. */
  company(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real emulator (unpaced unless asked) and the real gateway in the jest process, serving a freshly
 * built SDK bundle at /client/tts-client.js.
 */
export async function startBrowserStack(
  prefix: string,
  env: NodeJS.ProcessEnv = {},
  emulatorOptions: Parameters<typeof startTestEmulator>[0] = {},
): Promise<BrowserStack> {
  buildClientBundle();
  const emulator = await startTestEmulator(emulatorOptions);
  const gateway = await startGateway({ DEEPGRAM_URL: emulator.url, DEMO_PAGE: 'true', ...env });
  let n = 0;
  return {
    emulator,
    gateway,
    origin: `http://127.0.0.1:${gateway.port}`,
    async company(name) {
      const id = `${prefix}-${name}-${process.pid}-${++n}`;
      await fundCompany(id);
      return id;
    },
    async close() {
      await gateway.close();
      await emulator.close();
      await cleanupFunding();
    },
  };
}
