/**
 * CSV export bench: a month of usage (default 1,000,000 events, one company) exported through
 * GET /v1/companies/:id/usage.csv from a real billing process, while its resident memory is sampled.
 * `node dist/bench/billing/csv-export.js [--events N]` after `npm run build`. Progress on stderr,
 * a markdown table on stdout.
 */
import { Queue } from 'bullmq';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_REDIS_URL } from '@tts/config';
import { QueueName } from '@tts/protocol';
import { withDatabase } from './bench-database';
import { startBillingProcess } from './billing-processes';

const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const EVENTS = process.argv.includes('--events')
  ? Number(process.argv[process.argv.indexOf('--events') + 1])
  : 1_000_000;
const TOKEN = randomBytes(12).toString('hex');
const COMPANY = 'bench-export';

function log(msg: string): void {
  process.stderr.write(`[bench:billing-csv] ${msg}\n`);
}

/** Resident and peak resident memory of a process, in MB (/proc/<pid>/status). */
function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** EVENTS ledger rows spread evenly over November 2026, 50 users, 2,000 sessions. */
async function seed(url: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(`INSERT INTO companies (company_id) VALUES ($1)`, [COMPANY]);
    for (let from = 1; from <= EVENTS; from += 100_000) {
      await db.query(
        `INSERT INTO usage_ledger (event_id, company_id, user_id, session_id, connection_id, gateway_id, model,
           encoding, sample_rate, container, audio_bytes, characters, seconds, credits, credits_per_minute,
           interval_start, interval_end, final)
         SELECT 'conn-' || (n / 100) || ':' || (n % 100), $1, 'user-' || (n % 50), 'session-' || (n % 2000),
                'conn-' || (n / 100), 'gw-1', 'aura-2-thalia-en', 'linear16', 24000, 'wav', 240000, 80,
                5, 0.083333333333333333, 1,
                timestamptz '2026-11-01' + n * (interval '30 days' / $3) - interval '5 seconds',
                timestamptz '2026-11-01' + n * (interval '30 days' / $3), n % 100 = 99
           FROM generate_series($2::int, least($2::int + 99999, $3::int)) AS n`,
        [COMPANY, from, EVENTS],
      );
      log(`seeded ${Math.min(from + 99_999, EVENTS).toLocaleString('en')} events`);
    }
    await db.query('ANALYZE usage_ledger');
  } finally {
    await db.end();
  }
}

async function main(): Promise<void> {
  const prefix = `bench-csv-${randomBytes(3).toString('hex')}`;
  await withDatabase(async (url) => {
    await seed(url);
    const billing = await startBillingProcess({
      DATABASE_URL: url,
      REDIS_URL,
      BULLMQ_PREFIX: prefix,
      BILLING_ADMIN_TOKEN: TOKEN,
    });
    try {
      const pid = billing.child.pid!;
      const before = memoryMb(pid);
      let maxRss = before.rss;
      const sampler = setInterval(() => (maxRss = Math.max(maxRss, memoryMb(pid).rss)), 100);
      const started = performance.now();
      const res = await fetch(
        `http://127.0.0.1:${billing.port}/v1/companies/${COMPANY}/usage.csv?from=2026-11-01&to=2026-12-02`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      );
      let bytes = 0;
      let lines = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 0x0a) lines++;
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const after = memoryMb(pid);
      if (lines !== EVENTS + 1) throw new Error(`expected ${EVENTS + 1} CSV lines, got ${lines}`);
      process.stdout.write(
        [
          '| events | CSV size | time | rows/s | billing RSS before | max RSS during export | peak RSS (VmHWM) after |',
          '|---|---|---|---|---|---|---|',
          `| ${EVENTS.toLocaleString('en')} | ${(bytes / 1e6).toFixed(0)} MB | ${seconds.toFixed(1)} s | ` +
            `${Math.round(EVENTS / seconds).toLocaleString('en')} | ${before.rss.toFixed(0)} MB | ` +
            `${maxRss.toFixed(0)} MB | ${after.peak.toFixed(0)} MB |`,
        ].join('\n') + '\n',
      );
    } finally {
      await billing.stop();
      for (const name of [QueueName.TtsUsage, QueueName.LowBalanceWebhooks]) {
        const queue = new Queue(name, { prefix, connection: { url: REDIS_URL } });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
    }
  });
}

main().catch((e: Error) => {
  log(`failed: ${e.message}`);
  process.exit(1);
});
