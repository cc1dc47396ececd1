import { UPSTREAM_MAX_SPEAK_CHARS } from '@tts/protocol';

const SENTENCE_END = /[.!?;。！？…]/;
/** Full-width sentence ends of scripts written without spaces (Japanese, Chinese): a break may follow at once. */
const FULL_WIDTH_SENTENCE_END = /[。！？]/;
/** Closing quotes and brackets that belong to the sentence before them (「…。」). */
const CLOSING_MARK = /[」』）〕】〉》"'’”)]/;
/** Word boundaries from ICU's dictionaries, for text without spaces (Japanese, Chinese, Thai). */
const WORDS = new Intl.Segmenter(undefined, { granularity: 'word' });
/** Text past the limit given to the word segmenter, so that the word at the limit is seen whole. */
const SEGMENT_LOOKAHEAD = 32;
/** Whitespace a line may break at: `\s` minus the no-break spaces (U+00A0, U+2007, U+202F, U+FEFF). */
const BREAKABLE_SPACE = /[\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]/;

/**
 * Splits a Speak text into pieces the upstream accepts (at most `max` UTF-16 units each): at the last
 * sentence end that fits (followed by whitespace, or a full-width 。！？), else the last whitespace, else
 * the last word boundary ICU finds (text without spaces), else (one giant "word") on a code point boundary.
 * The pieces concatenate back to the original text exactly.
 */
export function splitSpeakText(text: string, max: number = UPSTREAM_MAX_SPEAK_CHARS): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > max) {
    const end = breakPoint(text, start, start + max);
    pieces.push(text.slice(start, end));
    start = end;
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** The end (exclusive) of the piece starting at `start`, no further than `limit`. */
function breakPoint(text: string, start: number, limit: number): number {
  let lastSpace = -1;
  // A word or sentence ending exactly at the limit: the whitespace after it opens the next piece.
  if (BREAKABLE_SPACE.test(text[limit])) {
    if (SENTENCE_END.test(text[limit - 1])) return limit;
    lastSpace = limit;
  }
  // Walk back from the limit: a break after whitespace keeps words whole.
  for (let i = limit; i > start; i--) {
    if (FULL_WIDTH_SENTENCE_END.test(text[i - 1])) {
      let end = i;
      while (end < limit && CLOSING_MARK.test(text[end])) end++;
      return end;
    }
    if (!BREAKABLE_SPACE.test(text[i - 1])) continue;
    if (i - 1 > start && SENTENCE_END.test(text[i - 2])) return i;
    if (lastSpace < 0) lastSpace = i;
  }
  if (lastSpace > 0) return lastSpace;
  const word = lastWordBoundary(text, start, limit);
  if (word > start) return word;
  const code = text.charCodeAt(limit - 1);
  const splitsPair = code >= 0xd800 && code <= 0xdbff;
  return splitsPair && limit - 1 > start ? limit - 1 : limit;
}

/** The last word boundary in (start, limit], or -1. */
function lastWordBoundary(text: string, start: number, limit: number): number {
  let last = -1;
  for (const { index } of WORDS.segment(text.slice(start, limit + SEGMENT_LOOKAHEAD))) {
    if (index === 0) continue;
    if (start + index > limit) break;
    last = start + index;
  }
  return last;
}
