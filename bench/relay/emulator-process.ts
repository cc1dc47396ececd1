/** Child-process entry: the Deepgram emulator alone in its process, paced as configured by the bench. */
import { emulatorTlsFiles, startEmulator } from '../../apps/deepgram-emulator/src/emulator';

async function main(): Promise<void> {
  const emulator = await startEmulator({
    port: Number(process.env.EMULATOR_PORT),
    ttfbMs: Number(process.env.EMULATOR_TTFB_MS ?? 150),
    speed: Number(process.env.EMULATOR_SPEED ?? 1),
    handshakeDelayMs: Number(process.env.EMULATOR_HANDSHAKE_DELAY_MS ?? 0),
    // The bench opens thousands of connections: no records, or this process would grow without end.
    recordConnections: false,
    tls: emulatorTlsFiles(process.env),
  });
  process.on('SIGTERM', () => void emulator.close().then(() => process.exit(0)));
}

main().catch((err: Error) => {
  console.error(`emulator failed to start: ${err.message}`);
  process.exit(1);
});
