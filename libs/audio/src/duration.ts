import { AudioEncoding, bytesPerSample } from './encoding';

/** Bytes of one second of mono audio. */
export function bytesPerSecond(encoding: AudioEncoding, sampleRate: number): number {
  return sampleRate * bytesPerSample(encoding);
}

export function bytesToSeconds(bytes: number, encoding: AudioEncoding, sampleRate: number): number {
  return bytes / bytesPerSecond(encoding, sampleRate);
}

/** Whole samples' worth of bytes for a duration (rounded down to a sample boundary). */
export function secondsToBytes(seconds: number, encoding: AudioEncoding, sampleRate: number): number {
  return Math.floor(seconds * sampleRate) * bytesPerSample(encoding);
}
