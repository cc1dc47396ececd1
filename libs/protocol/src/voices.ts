/** Aura voice catalogue (PROTOCOL.md section 3), with what Deepgram publishes about each voice. */

export type VoiceGender = 'feminine' | 'masculine';

/** Deepgram's "Voices and Languages" page: expressed gender, accent and characteristics. */
export interface VoiceProfile {
  gender?: VoiceGender;
  accent?: string;
  characteristics?: string;
}

const F = 'feminine';
const M = 'masculine';
const profile = (gender: VoiceGender, accent: string, characteristics: string): VoiceProfile => ({
  gender,
  accent,
  characteristics,
});

/** Aura-2 voices per language, in Deepgram's alphabetical id order. */
const AURA2_PROFILES: Readonly<Record<string, Readonly<Record<string, VoiceProfile>>>> = {
  en: {
    amalthea: profile(F, 'Filipino', 'Engaging, Natural, Cheerful'),
    andromeda: profile(F, 'American', 'Casual, Expressive, Comfortable'),
    apollo: profile(M, 'American', 'Confident, Comfortable, Casual'),
    arcas: profile(M, 'American', 'Natural, Smooth, Clear, Comfortable'),
    aries: profile(M, 'American', 'Warm, Energetic, Caring'),
    asteria: profile(F, 'American', 'Clear, Confident, Knowledgeable, Energetic'),
    athena: profile(F, 'American', 'Calm, Smooth, Professional'),
    atlas: profile(M, 'American', 'Enthusiastic, Confident, Approachable, Friendly'),
    aurora: profile(F, 'American', 'Cheerful, Expressive, Energetic'),
    callista: profile(F, 'American', 'Clear, Energetic, Professional, Smooth'),
    cora: profile(F, 'American', 'Smooth, Melodic, Caring'),
    cordelia: profile(F, 'American', 'Approachable, Warm, Polite'),
    delia: profile(F, 'American', 'Casual, Friendly, Cheerful, Breathy'),
    draco: profile(M, 'British', 'Warm, Approachable, Trustworthy, Baritone'),
    electra: profile(F, 'American', 'Professional, Engaging, Knowledgeable'),
    harmonia: profile(F, 'American', 'Empathetic, Clear, Calm, Confident'),
    helena: profile(F, 'American', 'Caring, Natural, Positive, Friendly, Raspy'),
    hera: profile(F, 'American', 'Smooth, Warm, Professional'),
    hermes: profile(M, 'American', 'Expressive, Engaging, Professional'),
    hyperion: profile(M, 'Australian', 'Caring, Warm, Empathetic'),
    iris: profile(F, 'American', 'Cheerful, Positive, Approachable'),
    janus: profile(F, 'American', 'Southern, Smooth, Trustworthy'),
    juno: profile(F, 'American', 'Natural, Engaging, Melodic, Breathy'),
    jupiter: profile(M, 'American', 'Expressive, Knowledgeable, Baritone'),
    luna: profile(F, 'American', 'Friendly, Natural, Engaging'),
    mars: profile(M, 'American', 'Smooth, Patient, Trustworthy, Baritone'),
    minerva: profile(F, 'American', 'Positive, Friendly, Natural'),
    neptune: profile(M, 'American', 'Professional, Patient, Polite'),
    odysseus: profile(M, 'American', 'Calm, Smooth, Comfortable, Professional'),
    ophelia: profile(F, 'American', 'Expressive, Enthusiastic, Cheerful'),
    orion: profile(M, 'American', 'Approachable, Comfortable, Calm, Polite'),
    orpheus: profile(M, 'American', 'Professional, Clear, Confident, Trustworthy'),
    pandora: profile(F, 'British', 'Smooth, Calm, Melodic, Breathy'),
    phoebe: profile(F, 'American', 'Energetic, Warm, Casual'),
    pluto: profile(M, 'American', 'Smooth, Calm, Empathetic, Baritone'),
    saturn: profile(M, 'American', 'Knowledgeable, Confident, Baritone'),
    selene: profile(F, 'American', 'Expressive, Engaging, Energetic'),
    thalia: profile(F, 'American', 'Clear, Confident, Energetic, Enthusiastic'),
    theia: profile(F, 'Australian', 'Expressive, Polite, Sincere'),
    vesta: profile(F, 'American', 'Natural, Expressive, Patient, Empathetic'),
    zeus: profile(M, 'American', 'Deep, Trustworthy, Smooth'),
  },
  es: {
    agustina: profile(F, 'Peninsular', 'Calm, Clear, Expressive, Knowledgeable, Professional'),
    alvaro: profile(M, 'Peninsular', 'Calm, Professional, Clear, Knowledgeable, Approachable'),
    antonia: profile(F, 'Argentine', 'Approachable, Enthusiastic, Friendly, Natural, Professional'),
    aquila: profile(M, 'Latin American', 'Expressive, Enthusiastic, Confident, Casual, Comfortable'),
    carina: profile(F, 'Peninsular', 'Professional, Raspy, Energetic, Breathy, Confident'),
    celeste: profile(F, 'Colombian', 'Clear, Energetic, Positive, Friendly, Enthusiastic'),
    diana: profile(F, 'Peninsular', 'Professional, Confident, Expressive, Polite, Knowledgeable'),
    estrella: profile(F, 'Mexican', 'Approachable, Natural, Calm, Comfortable, Expressive'),
    gloria: profile(F, 'Colombian', 'Casual, Clear, Expressive, Natural, Smooth'),
    javier: profile(M, 'Mexican', 'Approachable, Professional, Friendly, Comfortable, Calm'),
    luciano: profile(M, 'Mexican', 'Charismatic, Cheerful, Energetic, Expressive, Friendly'),
    nestor: profile(M, 'Peninsular', 'Calm, Professional, Approachable, Clear, Confident'),
    olivia: profile(F, 'Mexican', 'Breathy, Calm, Casual, Expressive, Warm'),
    selena: profile(F, 'Latin American', 'Approachable, Casual, Friendly, Calm, Positive'),
    silvia: profile(F, 'Peninsular', 'Charismatic, Clear, Expressive, Natural, Warm'),
    sirio: profile(M, 'Mexican', 'Calm, Professional, Comfortable, Empathetic, Baritone'),
    valerio: profile(M, 'Mexican', 'Deep, Knowledgeable, Natural, Polite, Professional'),
  },
  de: {
    aurelia: profile(F, 'German', 'Approachable, Casual, Comfortable, Natural, Sincere'),
    elara: profile(F, 'German', 'Calm, Clear, Natural, Patient, Trustworthy'),
    fabian: profile(M, 'German', 'Confident, Knowledgeable, Natural, Polite, Professional'),
    julius: profile(M, 'German', 'Casual, Cheerful, Engaging, Expressive, Friendly'),
    kara: profile(F, 'German', 'Caring, Empathetic, Expressive, Professional, Warm'),
    lara: profile(F, 'German', 'Caring, Cheerful, Empathetic, Expressive, Warm'),
    viktoria: profile(F, 'German', 'Charismatic, Cheerful, Enthusiastic, Friendly, Warm'),
  },
  nl: {
    beatrix: profile(F, 'Dutch', 'Cheerful, Enthusiastic, Friendly, Trustworthy, Warm'),
    cornelia: profile(F, 'Dutch', 'Approachable, Friendly, Polite, Positive, Warm'),
    daphne: profile(F, 'Dutch', 'Calm, Clear, Confident, Professional, Smooth'),
    hestia: profile(F, 'Dutch', 'Approachable, Caring, Expressive, Friendly, Knowledgeable'),
    lars: profile(M, 'Dutch', 'Breathy, Casual, Comfortable, Sincere, Trustworthy'),
    leda: profile(F, 'Dutch', 'Caring, Comfortable, Empathetic, Friendly, Sincere'),
    rhea: profile(F, 'Dutch', 'Caring, Knowledgeable, Positive, Smooth, Warm'),
    roman: profile(M, 'Dutch', 'Calm, Casual, Deep, Natural, Patient'),
    sander: profile(M, 'Dutch', 'Calm, Clear, Deep, Professional, Smooth'),
  },
  fr: {
    agathe: profile(F, 'French', 'Charismatic, Cheerful, Enthusiastic, Friendly, Natural'),
    hector: profile(M, 'French', 'Confident, Empathetic, Expressive, Friendly, Patient'),
  },
  it: {
    cesare: profile(M, 'Italian', 'Clear, Empathetic, Knowledgeable, Natural, Smooth'),
    cinzia: profile(F, 'Italian', 'Approachable, Friendly, Smooth, Trustworthy, Warm'),
    demetra: profile(F, 'Italian', 'Calm, Comfortable, Patient'),
    dionisio: profile(M, 'Italian', 'Confident, Engaging, Friendly, Melodic, Positive'),
    elio: profile(M, 'Italian', 'Breathy, Calm, Professional, Smooth, Trustworthy'),
    flavio: profile(M, 'Italian', 'Confident, Deep, Empathetic, Professional, Trustworthy'),
    livia: profile(F, 'Italian', 'Approachable, Cheerful, Clear, Engaging, Expressive'),
    maia: profile(F, 'Italian', 'Caring, Energetic, Expressive, Professional, Warm'),
    melia: profile(F, 'Italian', 'Clear, Comfortable, Engaging, Friendly, Natural'),
    perseo: {}, // in our catalogue, absent from Deepgram's voice table: nothing published to show
  },
  ja: {
    ama: profile(F, 'Japanese', 'Casual, Comfortable, Confident, Knowledgeable, Natural'),
    ebisu: profile(M, 'Japanese', 'Calm, Deep, Natural, Patient, Sincere'),
    fujin: profile(M, 'Japanese', 'Calm, Confident, Knowledgeable, Professional, Smooth'),
    izanami: profile(F, 'Japanese', 'Approachable, Clear, Knowledgeable, Polite, Professional'),
    uzume: profile(F, 'Japanese', 'Approachable, Clear, Polite, Professional, Trustworthy'),
  },
};

export const AURA2_VOICES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(AURA2_PROFILES).map(([language, voices]) => [language, Object.keys(voices)]),
);

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

/** English names of the supported languages, for pickers. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  es: 'Spanish',
  en: 'English',
  de: 'German',
  fr: 'French',
  it: 'Italian',
  nl: 'Dutch',
  ja: 'Japanese',
};

export interface Voice extends VoiceProfile {
  model: string;
  name: string;
  language: string;
  generation: 1 | 2;
}

export const VOICES: readonly Voice[] = [
  ...Object.entries(AURA2_PROFILES).flatMap(([language, voices]) =>
    Object.entries(voices).map(([name, about]): Voice => ({
      model: `aura-2-${name}-${language}`,
      name,
      language,
      generation: 2,
      ...about,
    })),
  ),
  ...AURA1_VOICES.map((name): Voice => ({ model: `aura-${name}-en`, name, language: 'en', generation: 1 })),
];

const VOICES_BY_MODEL: ReadonlyMap<string, Voice> = new Map(VOICES.map((v) => [v.model, v]));

export function findVoice(model: string): Voice | undefined {
  return VOICES_BY_MODEL.get(model);
}

/** A language tag as clients send it: `es`, or BCP-47 with a region or script (`es-MX`, `en_US`, `zh-Hant`). */
const LANGUAGE_TAG = /^[A-Za-z]{2}(?:[-_][A-Za-z0-9]{2,8})?$/;

/** The primary language of a tag (`es-MX` -> `es`), which is what voices are chosen by; '' for a malformed tag. */
export function primaryLanguage(tag: string): string {
  return LANGUAGE_TAG.test(tag) ? tag.slice(0, 2).toLowerCase() : '';
}
