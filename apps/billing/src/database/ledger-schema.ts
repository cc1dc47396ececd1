import { AUDIO_ENCODINGS, bytesPerSample } from '@tts/audio';
import { CONTAINERS, GATEWAY_ID_MAX_LENGTH } from '@tts/protocol';

/**
 * What the code needs to know about the ledger tables, in one place: the usage-event validator, the
 * reconcile report and the constraint migration read it. The migrations themselves state their columns
 * literally (they are history); ledger-schema.spec.ts and the ledger e2e keep them equal to this.
 */

/** Width of each text column of usage_ledger: a longer event field is refused before it reaches SQL. */
export const USAGE_LEDGER_TEXT_WIDTH = {
  event_id: 300,
  company_id: 128,
  user_id: 128,
  session_id: 128,
  connection_id: 128,
  gateway_id: GATEWAY_ID_MAX_LENGTH,
  model: 100,
} as const;

/** Values the database accepts in usage_ledger.encoding and .container (CHECK constraints). */
export const LEDGER_ENCODINGS = AUDIO_ENCODINGS;
export const LEDGER_CONTAINERS = CONTAINERS;

/** SQL expression: bytes per sample of a ledger row's encoding, from the table the pricing uses. */
export const BYTES_PER_SAMPLE_SQL = `CASE encoding ${LEDGER_ENCODINGS.map(
  (e) => `WHEN '${e}' THEN ${bytesPerSample(e)}`,
).join(' ')} END`;
