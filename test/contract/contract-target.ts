import { DEEPGRAM_SPEAK_URL } from '@tts/protocol';
import { startTestEmulator } from '../support/emulator';

/**
 * Where the Deepgram contract suite runs: the emulator (default, in `npm test`, with Deepgram's own
 * limits), or the real service with `CONTRACT_TARGET=deepgram` and `DEEPGRAM_API_KEY` set.
 */
export interface ContractTarget {
  name: 'emulator' | 'deepgram';
  url: string;
  key: string;
  close(): Promise<void>;
}

const EMULATOR_KEY = 'contract-suite-key';

export async function startContractTarget(): Promise<ContractTarget> {
  if (process.env.CONTRACT_TARGET === 'deepgram') {
    const key = process.env.DEEPGRAM_API_KEY;
    if (!key) throw new Error('CONTRACT_TARGET=deepgram needs DEEPGRAM_API_KEY');
    const url = process.env.DEEPGRAM_URL ?? DEEPGRAM_SPEAK_URL;
    return { name: 'deepgram', url, key, close: async () => undefined };
  }
  // Deepgram's defaults for every limit; unpaced so the suite runs in seconds.
  const emulator = await startTestEmulator({ apiKey: EMULATOR_KEY });
  return { name: 'emulator', url: emulator.url, key: EMULATOR_KEY, close: () => emulator.close() };
}

/** A text of exactly `length` characters, spoken as words. */
export const textOfLength = (length: number): string => 'Hello world. '.repeat(Math.ceil(length / 13)).slice(0, length);
