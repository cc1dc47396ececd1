import { EmulatorOptions, RunningEmulator, startEmulator } from '../../apps/deepgram-emulator/src/emulator';

export type {
  EmulatorOptions,
  RunningEmulator,
  EmulatedConnection,
  Fault,
  InjectedFault,
} from '../../apps/deepgram-emulator/src/emulator';
export { expectedAudioBytes, synthesizedSampleCount, CHARACTER_MS } from '../../apps/deepgram-emulator/src/emulator';

/** An in-process emulator for tests: unpaced (speed 0) and without time to first byte, unless asked. */
export function startTestEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ speed: 0, ttfbMs: 0, ...opts });
}
