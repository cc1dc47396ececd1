/**
 * What one simulated user says: LLM-like streamed text, a few words per Speak, several Speaks per
 * utterance, then a Flush. Deterministic per session index, so every path hears the same script.
 */

const WORDS = [
  'hola',
  'gracias',
  'por',
  'su',
  'llamada',
  'le',
  'ayudo',
  'con',
  'el',
  'pedido',
  'numero',
  'de',
  'hoy',
  'manana',
  'la',
  'entrega',
  'llega',
  'antes',
  'las',
  'cinco',
  'tarde',
  'claro',
  'que',
  'si',
  'puedo',
  'revisar',
  'cuenta',
  'ahora',
  'mismo',
  'un',
  'momento',
  'por',
  'favor',
  'listo',
  'todo',
  'bien',
  'algo',
  'mas',
  'en',
  'lo',
  'pueda',
  'servir',
  'perfecto',
  'entonces',
  'quedamos',
  'asi',
];

export interface ScriptShape {
  utterances: number;
  /** Speak messages per utterance. */
  chunksPerUtterance: number;
  /** Words per Speak: uniformly between min and max. */
  minWords: number;
  maxWords: number;
}

export type Utterance = string[];

function seeded(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sessionScript(sessionIndex: number, shape: ScriptShape): Utterance[] {
  const random = seeded(sessionIndex + 1);
  const utterances: Utterance[] = [];
  for (let u = 0; u < shape.utterances; u++) {
    const chunks: string[] = [];
    for (let c = 0; c < shape.chunksPerUtterance; c++) {
      const count = shape.minWords + Math.floor(random() * (shape.maxWords - shape.minWords + 1));
      const words: string[] = [];
      for (let w = 0; w < count; w++) words.push(WORDS[Math.floor(random() * WORDS.length)]);
      // Each chunk carries its leading space, as streamed LLM tokens do.
      chunks.push((c === 0 ? '' : ' ') + words.join(' ') + (c === shape.chunksPerUtterance - 1 ? '.' : ''));
    }
    utterances.push(chunks);
  }
  return utterances;
}

/** A deterministic text of about `chars` characters (whole words, ending with a period): one burst utterance. */
export function burstText(chars: number): string {
  const words: string[] = [];
  let length = 0;
  for (let i = 0; length < chars - 1; i++) {
    const word = WORDS[(i * 7) % WORDS.length];
    words.push(word);
    length += word.length + 1;
  }
  return `${words.join(' ')}.`;
}
