/**
 * Deterministic, speech-like synthesis, rendered incrementally. Every character of the text
 * (counted in Unicode code points) lasts exactly CHARACTER_MS at speaking rate 1: letters and
 * digits are voiced (a pitch contour, a few harmonics and a syllable envelope), anything else
 * (spaces, punctuation) is a pause. Durations are therefore an exact function of the text and the
 * rate, which is what tests assert on.
 *
 * The renderer keeps its place (word, sample, oscillator phase), so a stream can render just the
 * samples its pacing sends next; any split of the same text gives the same samples in the end.
 */
import { WordShape, cachedWordWaveform, renderWordRange } from './word-waveform';

export const CHARACTER_MS = 60;

/** Characters that make a syllable; a word is split into syllables of this many voiced characters. */
const SYLLABLE_CHARS = 3;

export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Samples of one character: exact at rate 1 for every sample rate Deepgram offers (60 ms of
 * 8000..48000 Hz); `speakingRate` (Deepgram's `speed`) shortens or stretches it.
 */
export function samplesPerCharacter(sampleRate: number, speakingRate = 1): number {
  return Math.round((sampleRate * CHARACTER_MS) / 1000 / speakingRate);
}

const isVoiced = (ch: string): boolean => /[\p{L}\p{N}]/u.test(ch);

/** 16-bit samples of one text, produced front to back in pieces of any size. */
export class SpeechRenderer {
  readonly totalSamples: number;
  private readonly chars: string[];
  private readonly perChar: number;
  private readonly syllable: number;
  /** Next sample to render, and where the current word or pause run ends. */
  private position = 0;
  private segmentEnd = 0;
  private voiced = false;
  private wordStart = 0;
  private word: WordShape = { length: 0, syllable: 0, f0: 0, sampleRate: 0 };
  /** The current word's whole waveform when cached; otherwise it is rendered piece by piece. */
  private waveform?: Int16Array;
  /** Oscillator phase of a word rendered piece by piece; restarts at 0 with every word. */
  private phase = 0;

  constructor(
    text: string,
    private readonly sampleRate: number,
    private readonly basePitchHz = 165,
    speakingRate = 1,
  ) {
    this.chars = [...text];
    this.perChar = samplesPerCharacter(sampleRate, speakingRate);
    this.syllable = this.perChar * SYLLABLE_CHARS;
    this.totalSamples = this.chars.length * this.perChar;
  }

  get remainingSamples(): number {
    return this.totalSamples - this.position;
  }

  /** Writes the next `count` samples (at most the remaining ones) to out[at..at+count). */
  renderInto(out: Int16Array, count: number, at = 0): void {
    const shift = at - this.position; // out index of a text sample
    const end = this.position + Math.min(count, this.remainingSamples);
    while (this.position < end) {
      if (this.position === this.segmentEnd) this.startSegment();
      const stop = Math.min(end, this.segmentEnd);
      if (!this.voiced) out.fill(0, shift + this.position, shift + stop);
      else if (this.waveform)
        out.set(this.waveform.subarray(this.position - this.wordStart, stop - this.wordStart), shift + this.position);
      else
        this.phase = renderWordRange(
          out,
          shift + this.position,
          this.word,
          this.position - this.wordStart,
          stop - this.wordStart,
          this.phase,
        );
      this.position = stop;
    }
  }

  /** Finds the run of voiced or silent characters that starts at the current (character-aligned) sample. */
  private startSegment(): void {
    const first = this.position / this.perChar;
    this.voiced = isVoiced(this.chars[first]);
    let last = first + 1;
    while (last < this.chars.length && isVoiced(this.chars[last]) === this.voiced) last++;
    this.segmentEnd = last * this.perChar;
    if (!this.voiced) return;
    this.wordStart = this.position;
    this.word = {
      length: this.segmentEnd - this.position,
      syllable: this.syllable,
      // Each word starts at a pitch derived from its first letter, so the contour follows the text.
      f0: this.basePitchHz * (0.9 + ((this.chars[first].codePointAt(0) ?? 0) % 7) * 0.03),
      sampleRate: this.sampleRate,
    };
    this.waveform = cachedWordWaveform(this.word);
    this.phase = 0;
  }
}
