import { AudioEncoding, bytesPerSample } from '@tts/audio';
import { SpeechAudio } from './speech-audio';
import { SpeechRenderer, characterCount, samplesPerCharacter } from './speech-renderer';

export { CHARACTER_MS, characterCount, samplesPerCharacter } from './speech-renderer';

export function synthesizedSampleCount(text: string, sampleRate: number, speakingRate = 1): number {
  return characterCount(text) * samplesPerCharacter(sampleRate, speakingRate);
}

/** Exact number of raw (headerless) audio bytes the emulator streams for `text` (at Deepgram's `speed`). */
export function expectedAudioBytes(text: string, encoding: AudioEncoding, sampleRate: number, speed = 1): number {
  return synthesizedSampleCount(text, sampleRate, speed) * bytesPerSample(encoding);
}

/** Base pitch of a voice: stable per model name so different voices sound different. */
export function voicePitchHz(model: string): number {
  let hash = 2166136261;
  for (let i = 0; i < model.length; i++) hash = Math.imul(hash ^ model.charCodeAt(i), 16777619) >>> 0;
  return 110 + (hash % 110);
}

/** 16-bit linear PCM samples of the whole `text`. */
export function synthesizePcm(text: string, sampleRate: number, basePitchHz = 165, speakingRate = 1): Int16Array {
  const renderer = new SpeechRenderer(text, sampleRate, basePitchHz, speakingRate);
  const out = new Int16Array(renderer.totalSamples);
  renderer.renderInto(out, out.length);
  return out;
}

/** Raw audio bytes (no container) of the whole `text` in the asked encoding: little-endian PCM16 or G.711. */
export function synthesize(
  text: string,
  encoding: AudioEncoding,
  sampleRate: number,
  basePitchHz?: number,
  speakingRate = 1,
): Buffer {
  const audio = new SpeechAudio(text, { encoding, sampleRate, basePitchHz, speakingRate });
  return audio.read(audio.byteLength);
}
