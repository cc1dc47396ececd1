import { endianness } from 'node:os';
import { AudioEncoding, bytesPerSample, linearToAlaw, linearToMulaw } from '@tts/audio';

/**
 * Deterministic, speech-like synthesis. Every character of the text (counted in Unicode code
 * points) lasts exactly CHARACTER_MS: letters and digits are voiced (a pitch contour, a few
 * harmonics and a syllable envelope), anything else (spaces, punctuation) is a pause.
 * Durations are therefore an exact function of the text, which is what tests assert on.
 */
export const CHARACTER_MS = 60;

/** Characters that make a syllable; a word is split into syllables of this many voiced characters. */
const SYLLABLE_CHARS = 3;
const HARMONICS = [1, 0.5, 0.3, 0.15];
const PEAK = 9000;

export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Samples of one character: exact for every rate Deepgram offers (60 ms of 8000..48000 Hz). */
export function samplesPerCharacter(sampleRate: number): number {
  return Math.round((sampleRate * CHARACTER_MS) / 1000);
}

export function synthesizedSampleCount(text: string, sampleRate: number): number {
  return characterCount(text) * samplesPerCharacter(sampleRate);
}

/** Exact number of raw (headerless) audio bytes the emulator streams for `text`. */
export function expectedAudioBytes(text: string, encoding: AudioEncoding, sampleRate: number): number {
  return synthesizedSampleCount(text, sampleRate) * bytesPerSample(encoding);
}

/** Base pitch of a voice: stable per model name so different voices sound different. */
export function voicePitchHz(model: string): number {
  let hash = 2166136261;
  for (let i = 0; i < model.length; i++) hash = Math.imul(hash ^ model.charCodeAt(i), 16777619) >>> 0;
  return 110 + (hash % 110);
}

const LITTLE_ENDIAN = endianness() === 'LE';

const isVoiced = (ch: string): boolean => /[\p{L}\p{N}]/u.test(ch);

/** 16-bit linear PCM samples of `text`. */
export function synthesizePcm(text: string, sampleRate: number, basePitchHz = 165): Int16Array {
  const chars = [...text];
  const perChar = samplesPerCharacter(sampleRate);
  const out = new Int16Array(chars.length * perChar);
  let i = 0;
  while (i < chars.length) {
    if (!isVoiced(chars[i])) {
      i++; // pauses stay zero
      continue;
    }
    let end = i;
    while (end < chars.length && isVoiced(chars[end])) end++;
    renderWord(
      out,
      i * perChar,
      (end - i) * perChar,
      perChar * SYLLABLE_CHARS,
      sampleRate,
      pitchOf(chars, i, basePitchHz),
    );
    i = end;
  }
  return out;
}

/** Each word starts at a pitch derived from its first letter, so the contour follows the text. */
function pitchOf(chars: string[], start: number, basePitchHz: number): number {
  return basePitchHz * (0.9 + ((chars[start].codePointAt(0) ?? 0) % 7) * 0.03);
}

/**
 * One period of the voiced waveform (the harmonics summed) and one syllable envelope, tabulated:
 * the synthesizer runs under load tests, so each sample is two table reads, not five sines.
 */
const TABLE_SIZE = 4096;
const WAVE = Float32Array.from({ length: TABLE_SIZE }, (_, i) => {
  const phase = (2 * Math.PI * i) / TABLE_SIZE;
  return HARMONICS.reduce((sum, weight, h) => sum + weight * Math.sin((h + 1) * phase), 0) / 1.95;
});
const ENVELOPE = Float32Array.from({ length: TABLE_SIZE + 1 }, (_, i) => Math.sin((Math.PI * i) / TABLE_SIZE) ** 2);

function renderWord(out: Int16Array, offset: number, length: number, syllable: number, rate: number, f0: number): void {
  let phase = 0; // in table entries
  for (let n = 0; n < length; n++) {
    const progress = n / length;
    // rise then fall across the word
    const pitch = f0 * (1 + 0.15 * ENVELOPE[(progress * TABLE_SIZE) | 0] - 0.1 * progress);
    phase = (phase + (pitch * TABLE_SIZE) / rate) % TABLE_SIZE;
    const syllableStart = n - (n % syllable);
    const envelope = ENVELOPE[(((n - syllableStart) * TABLE_SIZE) / Math.min(syllable, length - syllableStart)) | 0];
    out[offset + n] = Math.round(PEAK * envelope * WAVE[phase | 0]);
  }
}

/** Raw audio bytes (no container) of `text` in the asked encoding: little-endian PCM16 or G.711. */
export function synthesize(text: string, encoding: AudioEncoding, sampleRate: number, basePitchHz?: number): Buffer {
  const pcm = synthesizePcm(text, sampleRate, basePitchHz);
  if (encoding === 'linear16') {
    if (LITTLE_ENDIAN) return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const bytes = Buffer.allocUnsafe(pcm.length * 2);
    for (let n = 0; n < pcm.length; n++) bytes.writeInt16LE(pcm[n], n * 2);
    return bytes;
  }
  const encode = encoding === 'mulaw' ? linearToMulaw : linearToAlaw;
  const bytes = Buffer.allocUnsafe(pcm.length);
  for (let n = 0; n < pcm.length; n++) bytes[n] = encode(pcm[n]);
  return bytes;
}
