// The demo page's behaviour, on the SDK bundle only. Identity and token come from the page's own URL
// (`npm start` prints one with ?company_id=&user_id=&token=); without a token the gateway's cookie or
// AUTH_DISABLED applies.
import { DEFAULT_VOICE_BY_LANGUAGE, SUPPORTED_LANGUAGES, TtsClient, TtsPlayer, VOICES } from '/client/tts-client.js';

const params = new URLSearchParams(location.search);
const identity = {
  companyId: params.get('company_id') || 'demo',
  userId: params.get('user_id') || 'demo-user',
  token: params.get('token') || undefined,
};
const $ = (id) => document.getElementById(id);
const form = $('speak-form');
const language = $('language');
const voice = $('voice');
const text = $('text');
const connection = $('connection');
const playback = $('playback');
const ttfa = $('ttfa');
const error = $('error');

const player = new TtsPlayer();
let client = null;
let clientModel = null;
let detachPlayer = () => undefined;
let flushedAt = null;

player.on('utterancestart', () => {
  playback.value = 'speaking';
  if (flushedAt === null) return;
  ttfa.value = `${Math.round(performance.now() - flushedAt)} ms`;
  flushedAt = null;
});
player.on('utteranceend', () => (playback.value = 'idle'));
player.on('cleared', () => (playback.value = 'interrupted'));

function fillLanguages() {
  for (const code of SUPPORTED_LANGUAGES) language.add(new Option(code, code));
  language.value = params.get('language') || 'es';
}

function fillVoices() {
  voice.replaceChildren();
  for (const v of VOICES.filter((v) => v.language === language.value)) {
    voice.add(new Option(`${v.name} (${v.generation === 2 ? 'Aura-2' : 'Aura'})`, v.model));
  }
  voice.value = DEFAULT_VOICE_BY_LANGUAGE[language.value];
}

/** A session speaks with one voice (the config is its first message): a new voice opens a new session. */
function sessionFor(model) {
  if (client && clientModel === model && client.state !== 'closed') return client;
  detachPlayer();
  client?.disconnect();
  const next = new TtsClient({
    ...identity,
    sessionId: `demo-${crypto.randomUUID().slice(0, 8)}`,
    language: language.value,
    config: { model, language: language.value, encoding: 'linear16', sample_rate: 24000, container: 'none' },
  });
  next.on('state', (state) => {
    if (client === next) connection.value = state === 'open' ? 'connected' : state;
  });
  next.on('error', (e) => (error.textContent = `${e.code}: ${e.message}`));
  next.on('close', (e) => {
    if (!e.willReconnect && client === next) connection.value = `closed (${e.code})`;
  });
  detachPlayer = player.attach(next);
  client = next;
  clientModel = model;
  next.connect().catch(() => undefined); // reported through the error and close events
  return next;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const words = text.value.trim();
  if (!words) return;
  error.textContent = '';
  const session = sessionFor(voice.value);
  session.speak(words);
  session.flush();
  flushedAt = performance.now();
  ttfa.value = 'waiting…';
});

$('interrupt').addEventListener('click', () => {
  flushedAt = null;
  if (client && client.state !== 'closed') client.clear();
  else player.clear();
});

language.addEventListener('change', fillVoices);
fillLanguages();
fillVoices();
sessionFor(voice.value);
// For diagnostics from the console (and the browser tests).
window.ttsDemo = { player, get client() { return client; } };
