import { synthesize, voicePitchHz } from '../../apps/deepgram-emulator/src/synth/speech-synthesizer';
import { EmulatedConnection, RunningEmulator } from './emulator';
import { TestGateway, connectClient } from './gateway';
import { TestClient } from './ws-client';

/** What the relay's text-pacing specs share: the raw format, the emulator's audio, what went upstream. */
export const TEXT_FORMAT = { encoding: 'linear16', sample_rate: 16000, container: 'none' } as const;
export const TEXT_MODEL = 'aura-2-estrella-es';

/** The raw audio Deepgram (the emulator) renders for `text` (whole words split anywhere concatenate exactly). */
export const audioOf = (text: string): Buffer =>
  synthesize(text, TEXT_FORMAT.encoding, TEXT_FORMAT.sample_rate, voicePitchHz(TEXT_MODEL));

/** The client's binary frames (those among its first `upTo` frames), concatenated. */
export const receivedAudio = (client: TestClient, upTo = client.received.length): Buffer =>
  Buffer.concat(client.received.slice(0, upTo).flatMap((r) => (r.kind === 'binary' ? [r.data] : [])));

/** The Speak texts one upstream connection received, in order. */
export const speaksOf = (upstream: EmulatedConnection): string[] =>
  upstream.received
    .map((m) => JSON.parse(m) as { type: string; text?: string })
    .flatMap((m) => (m.type === 'Speak' ? [m.text!] : []));

/** Sentences of ~90 characters, like an LLM's streamed answer. */
export function answer(n: number, chars: number): string[] {
  const parts: string[] = [];
  for (let i = 0, total = 0; total < chars; i++) {
    const part = `Respuesta ${n}, frase ${i}: el modelo sigue hablando de lo que el usuario le preguntó. `;
    parts.push(part);
    total += part.length;
  }
  return parts;
}

/** One unlabelled sample of the gateway's /metrics. */
export async function metric(gateway: TestGateway, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** A session in the raw format on `TEXT_MODEL`, and the upstream connection the emulator opened for it. */
export async function connectRaw(
  gateway: TestGateway,
  emulator: RunningEmulator,
  prefix: string,
): Promise<[TestClient, EmulatedConnection]> {
  const before = emulator.connections.length;
  const client = await connectClient(gateway, prefix);
  client.send({ model: TEXT_MODEL, ...TEXT_FORMAT });
  await client.waitFor('status');
  return [client, emulator.connections[before]];
}
