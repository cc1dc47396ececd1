import { parseWav } from '@tts/audio';
import { ClientSpeechOutput } from './client-speech-output';
import { SpeechRelayHost } from './speech-relay-host';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const pcm = (n: number, from = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (from + i) & 0xff));

describe(ClientSpeechOutput.name, () => {
  let sent: Array<Buffer | string>;
  let sut: ClientSpeechOutput;

  beforeEach(() => {
    sent = [];
    const host = {
      sendAudio: (frame: Buffer) => sent.push(frame),
      sendText: (raw: string) => sent.push(raw),
      utteranceDelivered: () => undefined,
    } as unknown as SpeechRelayHost;
    const tap = { audioDelivered: () => undefined, textSent: () => undefined, end: () => Promise.resolve() };
    sut = new ClientSpeechOutput(
      { model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: 16000, container: 'wav', language: 'en' },
      tap,
      { ...host },
      (error) => sent.push(`fault: ${error.message}`),
    );
  });

  it('sends the chunks read in one turn as one complete WAV of whole samples, carrying an odd byte', async () => {
    const source = pcm(301 + 200 + 100);
    sut.audio(source.subarray(0, 301), 0);
    sut.audio(source.subarray(301, 501), 0);
    expect(sent).toEqual([]);
    await nextTurn();
    expect(sent).toHaveLength(1);
    const first = parseWav(sent[0] as Buffer);
    expect(first).toMatchObject({ sampleRate: 16000, bitsPerSample: 16, channels: 1 });
    expect(Buffer.from(first.data)).toEqual(source.subarray(0, 500)); // the 501st byte is carried
    sut.audio(source.subarray(501), 0);
    await nextTurn();
    expect(Buffer.from(parseWav(sent[1] as Buffer).data)).toEqual(source.subarray(500, 600)); // whole samples only
  });

  it("sends this turn's audio before a Flushed or Warning that follows it", () => {
    sut.audio(pcm(100), 0);
    sut.flushed(1);
    sut.audio(pcm(50), 0);
    sut.warning('{"type":"Warning"}');
    expect(sent.map((s) => (typeof s === 'string' ? s : 'audio'))).toEqual([
      'audio',
      '{"type":"Flushed","sequence_id":0}',
      'audio',
      '{"type":"Warning"}',
    ]);
  });

  it('turns a throw while sending at the end of a turn into a relay fault, not an uncaught exception', async () => {
    const throwing = new ClientSpeechOutput(
      { model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: 16000, container: 'none', language: 'en' },
      { audioDelivered: () => undefined, textSent: () => undefined, end: () => Promise.resolve() },
      {
        sendAudio: () => {
          throw new Error('a buggy tap');
        },
      } as unknown as SpeechRelayHost,
      (error) => sent.push(`fault: ${error.message}`),
    );
    throwing.audio(pcm(10), undefined);
    await nextTurn();
    expect(sent).toEqual(['fault: a buggy tap']);
  });

  it('drops audio not yet sent on a Clear, with a carried byte', async () => {
    sut.audio(pcm(101), 0);
    sut.sendAudio();
    sut.audio(pcm(100), 0);
    sut.drop();
    await nextTurn();
    expect(sent).toHaveLength(1);
    sut.audio(pcm(4, 7), 0);
    await nextTurn();
    expect(Buffer.from(parseWav(sent[1] as Buffer).data)).toEqual(pcm(4, 7));
  });
});
