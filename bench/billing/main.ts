/**
 * Billing bench: usage events applied per second end to end (BullMQ queue -> ledger in Postgres),
 * with one and two real billing processes, for one hot company and for 1,000 companies; checks
 * every balance is exact. `node dist/bench/billing/main.js [--events N]` after `npm run build`.
 * Progress on stderr, a markdown table on stdout.
 */
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEFAULT_REDIS_URL } from '@tts/config';
import { JobName, QueueName, UsageEvent, usageEventId, usageJobId } from '@tts/protocol';
import { billingDataSourceOptions } from '../../apps/billing/src/database/data-source';
import { withDatabase } from './bench-database';
import { BillingProcess, startBillingProcess } from './billing-processes';

const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const EVENTS = Number(argValue('--events') ?? 20_000);
const START_BALANCE = 1_000_000_000n;
/** Bytes per event: mu-law 8 kHz, 1,234 bytes = 0.15425 s; not a round number of credits on purpose. */
const EVENT_BYTES = 1234;

interface Scenario {
  companies: number;
  processes: number;
}

interface Result extends Scenario {
  events: number;
  seconds: number;
  perSecond: number;
  exact: boolean;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function log(msg: string): void {
  process.stderr.write(`[bench:billing] ${msg}\n`);
}

function events(companies: string[], runId: string): UsageEvent[] {
  const now = new Date().toISOString();
  return Array.from({ length: EVENTS }, (_, i) => ({
    event_id: usageEventId(`bench-${runId}-${i}`, 0),
    company_id: companies[i % companies.length],
    user_id: 'bench-user',
    session_id: `bench-session-${i % 97}`,
    connection_id: `bench-${runId}-${i}`,
    gateway_id: 'bench',
    model: 'aura-2-thalia-en',
    encoding: 'mulaw',
    sample_rate: 8000,
    container: 'none',
    audio_bytes: EVENT_BYTES,
    characters: 20,
    interval_start: now,
    interval_end: now,
    final: false,
  }));
}

async function runScenario(db: DataSource, url: string, scenario: Scenario): Promise<Result> {
  const runId = randomBytes(3).toString('hex');
  const prefix = `bench-billing-${runId}`;
  const companies = Array.from({ length: scenario.companies }, (_, i) => `bench-${runId}-co-${i}`);
  await db.query(`INSERT INTO companies (company_id, balance_credits) SELECT unnest($1::varchar[]), $2`, [
    companies,
    START_BALANCE.toString(),
  ]);
  const queue = new Queue(QueueName.TtsUsage, { prefix, connection: { url: REDIS_URL } });
  const processes: BillingProcess[] = [];
  try {
    for (let i = 0; i < scenario.processes; i++) {
      processes.push(await startBillingProcess({ DATABASE_URL: url, REDIS_URL, BULLMQ_PREFIX: prefix }));
    }
    const batch = events(companies, runId);
    const started = Date.now();
    for (let i = 0; i < batch.length; i += 1000) {
      await queue.addBulk(
        batch.slice(i, i + 1000).map((e) => ({
          name: JobName.Usage,
          data: e,
          opts: { jobId: usageJobId(e.event_id), removeOnComplete: true, removeOnFail: false },
        })),
      );
    }
    let applied = 0;
    while (applied < EVENTS) {
      await new Promise((r) => setTimeout(r, 20));
      [{ applied }] = await db.query(`SELECT count(*)::int AS applied FROM usage_ledger WHERE company_id = ANY($1)`, [
        companies,
      ]);
      if (Date.now() - started > 300_000) throw new Error(`only ${applied}/${EVENTS} applied after 300 s`);
    }
    const seconds = (Date.now() - started) / 1000;
    return { ...scenario, events: EVENTS, seconds, perSecond: EVENTS / seconds, exact: await exact(db, companies) };
  } finally {
    for (const p of processes) await p.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deleteNamespace(prefix);
  }
}

/**
 * Removes everything the run kept under its namespace: billing caches the balance of every company in
 * the bench database (earlier scenarios' too, through its periodic refresh), and the webhook queue's meta.
 */
async function deleteNamespace(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  } finally {
    redis.disconnect();
  }
}

/** Every balance equals the start minus its events' bytes / 8000 / 60 credits, to the last stored digit. */
async function exact(db: DataSource, companies: string[]): Promise<boolean> {
  // Each charge is rounded once at 10^-18 (half up); the ledger sums those exact decimals.
  const perEvent = (BigInt(EVENT_BYTES) * 10n ** 18n * 2n + 480_000n) / (480_000n * 2n);
  const rows: Array<{ company_id: string; balance: string }> = await db.query(
    `SELECT company_id, balance_credits::text AS balance FROM companies WHERE company_id = ANY($1)`,
    [companies],
  );
  const perCompany = new Map(
    companies.map((c, i) => [
      c,
      BigInt(Math.floor(EVENTS / companies.length) + (i < EVENTS % companies.length ? 1 : 0)),
    ]),
  );
  return rows.every((r) => {
    const expected = START_BALANCE * 10n ** 18n - perEvent * perCompany.get(r.company_id)!;
    return BigInt(r.balance.replace('.', '')) === expected;
  });
}

async function main(): Promise<void> {
  const scenarios: Scenario[] = [
    { companies: 1, processes: 1 },
    { companies: 1, processes: 2 },
    { companies: 1000, processes: 1 },
    { companies: 1000, processes: 2 },
  ];
  const results = await withDatabase(async (url) => {
    const db = await new DataSource(billingDataSourceOptions(url)).initialize();
    try {
      const out: Result[] = [];
      for (const s of scenarios) {
        log(`${s.companies} companies, ${s.processes} process(es), ${EVENTS} events`);
        out.push(await runScenario(db, url, s));
        log(`  ${out[out.length - 1].perSecond.toFixed(0)} events/s, exact: ${out[out.length - 1].exact}`);
      }
      return out;
    } finally {
      await db.destroy();
    }
  });
  const goal = (r: Result) => (r.companies === 1 ? 2000 : 3000);
  console.log('## billing: usage events applied per second (queue -> ledger)\n');
  console.log('| companies | billing processes | events | seconds | events/s | goal | exact balances |');
  console.log('|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    console.log(
      `| ${r.companies} | ${r.processes} | ${r.events} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(0)} | ${goal(r)} | ${r.exact ? 'yes' : 'NO'} |`,
    );
  }
  process.exitCode = results.every((r) => r.exact) ? 0 : 1;
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
