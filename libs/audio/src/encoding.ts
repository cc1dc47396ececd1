/** Sample encodings the Deepgram websocket speaks (mono, little-endian where it matters). */
export type AudioEncoding = 'linear16' | 'mulaw' | 'alaw';

export const AUDIO_ENCODINGS: readonly AudioEncoding[] = ['linear16', 'mulaw', 'alaw'];

export function isAudioEncoding(value: unknown): value is AudioEncoding {
  return typeof value === 'string' && (AUDIO_ENCODINGS as readonly string[]).includes(value);
}

export function bytesPerSample(encoding: AudioEncoding): 1 | 2 {
  return encoding === 'linear16' ? 2 : 1;
}

/** WAVE_FORMAT_* tags: PCM, ITU G.711 A-law, ITU G.711 mu-law. */
export function wavFormatTag(encoding: AudioEncoding): number {
  switch (encoding) {
    case 'linear16':
      return 1;
    case 'alaw':
      return 6;
    case 'mulaw':
      return 7;
  }
}
