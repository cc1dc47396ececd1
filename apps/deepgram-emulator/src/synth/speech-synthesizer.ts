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

function renderWord(out: Int16Array, offset: number, length: number, syllable: number, rate: number, f0: number): void {
  let phase = 0;
  for (let n = 0; n < length; n++) {
    const progress = n / length;
    // rise then fall across the word, with a small wobble per syllable
    const pitch = f0 * (1 + 0.15 * Math.sin(Math.PI * progress) - 0.1 * progress);
    phase += (2 * Math.PI * pitch) / rate;
    const syllableStart = n - (n % syllable);
    const envelope = Math.sin((Math.PI * (n - syllableStart)) / Math.min(syllable, length - syllableStart)) ** 2;
    let value = 0;
    for (let h = 0; h < HARMONICS.length; h++) value += HARMONICS[h] * Math.sin((h + 1) * phase);
    out[offset + n] = Math.round((PEAK * envelope * value) / 1.95);
  }
}

/** Raw audio bytes (no container) of `text` in the asked encoding: little-endian PCM16 or G.711. */
export function synthesize(text: string, encoding: AudioEncoding, sampleRate: number, basePitchHz?: number): Buffer {
  const pcm = synthesizePcm(text, sampleRate, basePitchHz);
  if (encoding === 'linear16') {
    const bytes = Buffer.allocUnsafe(pcm.length * 2);
    for (let n = 0; n < pcm.length; n++) bytes.writeInt16LE(pcm[n], n * 2);
    return bytes;
  }
  const encode = encoding === 'mulaw' ? linearToMulaw : linearToAlaw;
  const bytes = Buffer.allocUnsafe(pcm.length);
  for (let n = 0; n < pcm.length; n++) bytes[n] = encode(pcm[n]);
  return bytes;
}
