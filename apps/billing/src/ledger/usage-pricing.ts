import { AudioEncoding, bytesPerSample } from '@tts/audio';
import { divRound, formatUnits } from '@tts/protocol';

const UNITS_PER_CREDIT = 10n ** 18n;
const MICROS = 1_000_000;
/** What BillingEnv lets through: short enough that String(number) is the exact decimal that was configured. */
const PRICE_TEXT = /^(\d{1,9})(?:\.(\d{1,6}))?$/;

export interface UsageCharge {
  /** Decimal strings with 18 decimals, exact up to the last (rounded) digit. */
  seconds: string;
  credits: string;
  /** The same credits as 10^-18 units, for summing without floats. */
  creditUnits: bigint;
}

/**
 * Prices audio: seconds = bytes / (sample_rate * bytes_per_sample), credits = seconds / 60 * CREDITS_PER_MINUTE,
 * each computed in integers and rounded once at the 18th decimal (10^9 events drift < 10^-9 credits).
 */
export class UsagePricing {
  private readonly creditsPerMinuteMicros: bigint;

  constructor(creditsPerMinute: number) {
    const m = PRICE_TEXT.exec(String(creditsPerMinute));
    if (!m) throw new Error('CREDITS_PER_MINUTE must be a non-negative number with at most 6 decimals');
    this.creditsPerMinuteMicros = BigInt(m[1] + (m[2] ?? '').padEnd(6, '0'));
  }

  /** CREDITS_PER_MINUTE as stored beside each ledger row, so a price change never rewrites history. */
  get creditsPerMinute(): string {
    const micros = this.creditsPerMinuteMicros.toString().padStart(7, '0');
    return `${micros.slice(0, -6)}.${micros.slice(-6)}`;
  }

  charge(audioBytes: number, encoding: AudioEncoding, sampleRate: number): UsageCharge {
    const bytes = BigInt(audioBytes);
    const bytesPerSecond = BigInt(sampleRate * bytesPerSample(encoding));
    const creditUnits = divRound(
      bytes * this.creditsPerMinuteMicros * UNITS_PER_CREDIT,
      bytesPerSecond * 60n * BigInt(MICROS),
    );
    return {
      seconds: formatUnits(divRound(bytes * UNITS_PER_CREDIT, bytesPerSecond)),
      credits: formatUnits(creditUnits),
      creditUnits,
    };
  }
}
