/** Aura voice catalogue (PROTOCOL.md section 3). */

export const AURA2_VOICES: Readonly<Record<string, readonly string[]>> = {
  en: [
    'amalthea',
    'andromeda',
    'apollo',
    'arcas',
    'aries',
    'asteria',
    'athena',
    'atlas',
    'aurora',
    'callista',
    'cora',
    'cordelia',
    'delia',
    'draco',
    'electra',
    'harmonia',
    'helena',
    'hera',
    'hermes',
    'hyperion',
    'iris',
    'janus',
    'juno',
    'jupiter',
    'luna',
    'mars',
    'minerva',
    'neptune',
    'odysseus',
    'ophelia',
    'orion',
    'orpheus',
    'pandora',
    'phoebe',
    'pluto',
    'saturn',
    'selene',
    'thalia',
    'theia',
    'vesta',
    'zeus',
  ],
  es: [
    'agustina',
    'alvaro',
    'antonia',
    'aquila',
    'carina',
    'celeste',
    'diana',
    'estrella',
    'gloria',
    'javier',
    'luciano',
    'nestor',
    'olivia',
    'selena',
    'silvia',
    'sirio',
    'valerio',
  ],
  de: ['aurelia', 'elara', 'fabian', 'julius', 'kara', 'lara', 'viktoria'],
  nl: ['beatrix', 'cornelia', 'daphne', 'hestia', 'lars', 'leda', 'rhea', 'roman', 'sander'],
  fr: ['agathe', 'hector'],
  it: ['cesare', 'cinzia', 'demetra', 'dionisio', 'elio', 'flavio', 'livia', 'maia', 'melia', 'perseo'],
  ja: ['ama', 'ebisu', 'fujin', 'izanami', 'uzume'],
};

export const AURA1_VOICES: readonly string[] = [
  'angus',
  'arcas',
  'asteria',
  'athena',
  'helios',
  'hera',
  'luna',
  'orion',
  'orpheus',
  'perseus',
  'stella',
  'zeus',
];

/** Default voice per language when no model is named. */
export const DEFAULT_VOICE_BY_LANGUAGE: Readonly<Record<string, string>> = {
  es: 'aura-2-estrella-es',
  en: 'aura-2-thalia-en',
  de: 'aura-2-julius-de',
  fr: 'aura-2-agathe-fr',
  it: 'aura-2-livia-it',
  nl: 'aura-2-rhea-nl',
  ja: 'aura-2-izanami-ja',
};

export const SUPPORTED_LANGUAGES: readonly string[] = Object.keys(AURA2_VOICES);

export interface Voice {
  model: string;
  name: string;
  language: string;
  generation: 1 | 2;
}

export const VOICES: readonly Voice[] = [
  ...Object.entries(AURA2_VOICES).flatMap(([language, names]) =>
    names.map((name): Voice => ({ model: `aura-2-${name}-${language}`, name, language, generation: 2 })),
  ),
  ...AURA1_VOICES.map((name): Voice => ({ model: `aura-${name}-en`, name, language: 'en', generation: 1 })),
];

const VOICES_BY_MODEL: ReadonlyMap<string, Voice> = new Map(VOICES.map((v) => [v.model, v]));

export function findVoice(model: string): Voice | undefined {
  return VOICES_BY_MODEL.get(model);
}
