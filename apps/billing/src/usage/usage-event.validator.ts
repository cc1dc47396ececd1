import { isAudioEncoding } from '@tts/audio';
import { CONTAINERS, SAMPLE_RATES, UsageEvent } from '@tts/protocol';

import { isInstant } from '../common/instant';
import { USAGE_LEDGER_TEXT_WIDTH } from '../database/ledger-schema';

/** Longest value of each text field: exactly its usage_ledger column, so a valid event always fits its row. */

/** Problems that make a usage job permanently unusable (retrying cannot fix them); empty when valid. */
export function usageEventProblems(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return ['not an object'];
  const e = data as Record<string, unknown>;
  const problems: string[] = [];
  for (const [f, max] of Object.entries(USAGE_LEDGER_TEXT_WIDTH)) {
    const value = e[f];
    if (typeof value !== 'string' || value === '' || value.length > max) {
      problems.push(`${f} must be a string of 1 to ${max} characters`);
    } else if (value.includes('\u0000')) {
      problems.push(`${f} must not contain NUL`); // Postgres text cannot hold it: no retry would succeed
    }
  }
  if (!isAudioEncoding(e.encoding)) problems.push('encoding is unknown');
  else if (!SAMPLE_RATES[e.encoding].includes(e.sample_rate as number)) problems.push('sample_rate is not valid');
  if (!CONTAINERS.includes(e.container as UsageEvent['container'])) problems.push('container is unknown');
  for (const f of ['audio_bytes', 'characters'] as const) {
    if (!Number.isSafeInteger(e[f]) || (e[f] as number) < 0) problems.push(`${f} must be a non-negative integer`);
  }
  for (const f of ['interval_start', 'interval_end'] as const) {
    // Postgres reads it as written: a zone-less or out-of-range time would be misread or refused on every retry.
    if (!isInstant(e[f], true)) problems.push(`${f} must be an ISO-8601 date-time with Z or an offset, years 1-9999`);
  }
  if (typeof e.final !== 'boolean') problems.push('final must be a boolean');
  return problems;
}
