import { EmulatorOptions, RunningEmulator, startEmulator } from '../../apps/deepgram-emulator/src/emulator';

export type {
  EmulatorOptions,
  RunningEmulator,
  EmulatedConnection,
  Fault,
  InjectedFault,
} from '../../apps/deepgram-emulator/src/emulator';
export { expectedAudioBytes, synthesizedSampleCount, CHARACTER_MS } from '../../apps/deepgram-emulator/src/emulator';

/**
 * An in-process emulator for tests: unpaced (speed 0) and without time to first byte, unless asked.
 * Deepgram's limits are the defaults; a test that needs a window to pass in seconds shrinks it here:
 * `charsPerWindow` (2,400) and `charWindowMs` (60 s) for the text limit, `flushLimit` (20) and
 * `flushWindowMs` (60 s) for the Flush limit, `maxConnectionMs` (60 min), `idleTimeoutMs` (60 s),
 * `handshakeDelayMs` (0) for a Deepgram-like upgrade time.
 */
export function startTestEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ speed: 0, ttfbMs: 0, ...opts });
}
