import { createHash } from 'node:crypto';
import { AudioEncoding } from '@tts/audio';
import { SpeechAudio } from './speech-audio';
import { expectedAudioBytes, synthesize, voicePitchHz } from './speech-synthesizer';

/**
 * SHA-256 of the audio the emulator rendered for whole utterances before rendering became
 * incremental (captured from that implementation): the streamed audio must stay byte-identical.
 */
const BEFORE_INCREMENTAL: Array<[string, AudioEncoding, number, string, string]> = [
  [
    'Hello there, how are you today? 123 go!',
    'linear16',
    24000,
    'aura-2-thalia-en',
    '2bdd55bcededdf875867e99a7fb1fedf48bd9556d17ba31fcf40501e82ac2ade',
  ],
  [
    '¿Qué tal estás? Ünïcødé 🙂 text, ok.',
    'linear16',
    48000,
    'aura-2-estrella-es',
    '49ed55c321a6a8cb77fead918e8f7cf953514bebc506f6ec6a7588a1b38e573c',
  ],
  [
    'Hola, qué tal estás hoy?',
    'mulaw',
    8000,
    'aura-2-estrella-es',
    'f38b9985e29a6dff71242f7ee71d6600aa028e4d5648a7fb68df49dbe86e73f5',
  ],
  [
    'The quick brown fox jumps over the lazy dog.',
    'alaw',
    16000,
    'aura-asteria-en',
    '9ba5d248c57b5b733bf3344e33a6577e8cb0e0ea3491165fd0851907f074d01f',
  ],
  ['a', 'linear16', 8000, 'aura-2-thalia-en', '0893cecd5cd1ac578933b871f8899526dc5fde9871aa1480d7b88ed1f990031c'],
  [
    // a 112-letter word: too long for the word cache, rendered piece by piece
    'Antidisestablishmentarianism'.repeat(4) + ' and a few short words too.',
    'linear16',
    48000,
    'aura-2-thalia-en',
    '0d149c090fd1f9a6510bab5a99669aff010efd8d0c899a5824e7440ed9d74761',
  ],
];

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Reads the whole audio in frames of varying sizes (odd ones too), as the paced stream does. */
function readInFrames(audio: SpeechAudio, sizes: number[]): Buffer {
  const frames: Buffer[] = [];
  for (let i = 0; audio.remainingBytes > 0; i++) frames.push(audio.read(sizes[i % sizes.length]));
  return Buffer.concat(frames);
}

describe('incremental speech audio', () => {
  it.each(BEFORE_INCREMENTAL)('renders %j (%s, %d Hz) byte-identical to the whole-utterance rendering', (...c) => {
    const [text, encoding, sampleRate, model, digest] = c;
    const format = { encoding, sampleRate, basePitchHz: voicePitchHz(model) };
    expect(sha256(synthesize(text, encoding, sampleRate, format.basePitchHz))).toBe(digest);
    for (const sizes of [[1], [3, 1000, 7, 2], [481, 2880, 96], [1_000_000]]) {
      expect(sha256(readInFrames(new SpeechAudio(text, format), sizes))).toBe(digest);
    }
  });

  it('gives every frame its own buffer, so a frame stays intact after later reads', () => {
    const audio = new SpeechAudio('Keep me intact', { encoding: 'linear16', sampleRate: 16000 });
    const first = audio.read(4000);
    const copy = Buffer.from(first);
    audio.read(4000);
    expect(first.equals(copy)).toBe(true);
  });

  it('scales duration with the speaking rate, deterministically', () => {
    const text = 'Speed changes how long this takes.';
    const at = (rate: number): Buffer => synthesize(text, 'linear16', 24000, 165, rate);
    expect(at(1.5).length).toBe(expectedAudioBytes(text, 'linear16', 24000, 1.5));
    expect(at(0.7).length).toBe(expectedAudioBytes(text, 'linear16', 24000, 0.7));
    expect(at(1.5).length).toBeLessThan(at(1).length);
    expect(at(0.7).length).toBeGreaterThan(at(1).length);
    expect(at(0.7).equals(at(0.7))).toBe(true);
  });
});
