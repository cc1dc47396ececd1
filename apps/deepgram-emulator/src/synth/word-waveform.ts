/**
 * The waveform of one spoken word. It depends only on the word's shape (length, syllable length,
 * start pitch, sample rate), never on its other letters, so a few hundred shapes cover any text:
 * words of common shapes are rendered once and then copied.
 */
const HARMONICS = [1, 0.5, 0.3, 0.15];
const PEAK = 9000;

/**
 * One period of the voiced waveform (the harmonics summed) and one syllable envelope, tabulated:
 * each sample is two table reads, not five sines.
 */
const TABLE_SIZE = 4096;
const WAVE = Float32Array.from({ length: TABLE_SIZE }, (_, i) => {
  const phase = (2 * Math.PI * i) / TABLE_SIZE;
  return HARMONICS.reduce((sum, weight, h) => sum + weight * Math.sin((h + 1) * phase), 0) / 1.95;
});
const ENVELOPE = Float32Array.from({ length: TABLE_SIZE + 1 }, (_, i) => Math.sin((Math.PI * i) / TABLE_SIZE) ** 2);

export interface WordShape {
  /** Samples of the whole word. */
  length: number;
  /** Samples per syllable. */
  syllable: number;
  /** Start pitch, Hz. */
  f0: number;
  sampleRate: number;
}

/**
 * Writes samples [from, to) of the word to out[at..], continuing the oscillator from `phase`
 * (0 at the word's start); returns the phase after the last sample.
 */
export function renderWordRange(out: Int16Array, at: number, word: WordShape, from: number, to: number, phase: number) {
  const { length, syllable, f0, sampleRate: rate } = word;
  for (let n = from; n < to; n++) {
    const progress = n / length;
    // rise then fall across the word
    const pitch = f0 * (1 + 0.15 * ENVELOPE[(progress * TABLE_SIZE) | 0] - 0.1 * progress);
    // The step is far below TABLE_SIZE, so one subtraction wraps exactly as `%` would (Sterbenz), but cheaper.
    phase += (pitch * TABLE_SIZE) / rate;
    if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
    const syllableStart = n - (n % syllable);
    const envelope = ENVELOPE[(((n - syllableStart) * TABLE_SIZE) / Math.min(syllable, length - syllableStart)) | 0];
    out[at + n - from] = Math.round(PEAK * envelope * WAVE[phase | 0]);
  }
  return phase;
}

/** Longer words (at most 40 characters of 48 kHz) are rendered piece by piece, never cached. */
const MAX_CACHED_WORD_SAMPLES = 115_200;
/** Bound of the cache: 16 MB of samples. */
const MAX_CACHED_SAMPLES = 8_000_000;
const cache = new Map<string, Int16Array>();
let cachedSamples = 0;

/** The whole waveform of a word of this shape, from the cache (least recently used evicted); undefined when too long to cache. */
export function cachedWordWaveform(word: WordShape): Int16Array | undefined {
  if (word.length > MAX_CACHED_WORD_SAMPLES) return undefined;
  const key = `${word.length}:${word.syllable}:${word.f0}:${word.sampleRate}`;
  let waveform = cache.get(key);
  if (waveform) {
    cache.delete(key); // re-inserted below: Map order is the recency order
  } else {
    waveform = new Int16Array(word.length);
    renderWordRange(waveform, 0, word, 0, word.length, 0);
    cachedSamples += waveform.length;
    for (const [oldKey, old] of cache) {
      if (cachedSamples <= MAX_CACHED_SAMPLES) break;
      cache.delete(oldKey);
      cachedSamples -= old.length;
    }
  }
  cache.set(key, waveform);
  return waveform;
}
