import { Queue } from 'bullmq';
import { parseUnits } from '@tts/protocol';
import { createTestDatabase, TestDatabase } from '../support/database';
import {
  ADMIN_TOKEN,
  TestBilling,
  deleteBalanceKeys,
  destroyQueue,
  enqueue,
  startBilling,
  uniquePrefix,
  usageEvent,
  usageQueue,
} from './support/billing-harness';

const EVENTS = 3_000;
const PER_ENQUEUE = 25;

interface Sums {
  audio_bytes: number;
  events: number;
  exact: { seconds: string; credits: string };
}

/** Usage keeps landing while breakdowns are read: each answer's groups must add up to its own totals. */
describe('usage breakdown read while usage is applied', () => {
  let database: TestDatabase;
  let billing: TestBilling;
  let queue: Queue;
  const id = `usagecons-${process.pid}`;
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    database = await createTestDatabase('usagecons');
    const prefix = uniquePrefix('usagecons');
    queue = usageQueue(prefix);
    billing = await startBilling({ DATABASE_URL: database.url, BULLMQ_PREFIX: prefix });
    await fetch(`${billing.url}/v1/companies/${id}`, { method: 'PUT', headers: auth });
  });

  afterAll(async () => {
    await billing?.close();
    await destroyQueue(queue);
    await database?.drop();
    if (billing) await deleteBalanceKeys(billing.prefix, id);
  });

  it('answers every group_by request from one snapshot: sum(groups) equals totals exactly', async () => {
    let enqueued = 0;
    const ingest = (async () => {
      for (let i = 0; i < EVENTS; i += PER_ENQUEUE) {
        const batch = Array.from({ length: PER_ENQUEUE }, (_, j) =>
          usageEvent(id, { user_id: `u${(i + j) % 7}`, audio_bytes: 32000 + 2 * ((i + j) % 1000) }),
        );
        await enqueue(queue, batch);
        enqueued += PER_ENQUEUE;
      }
    })();
    const mismatches: string[] = [];
    let answers = 0;
    let seen = 0;
    const reader = async (group: string) => {
      while (seen < EVENTS) {
        const res = await fetch(`${billing.url}/v1/companies/${id}/usage?group_by=${group}&limit=1000`, {
          headers: auth,
        });
        expect(res.status).toBe(200);
        const { totals, groups } = (await res.json()) as { totals: Sums; groups: Sums[] };
        answers++;
        seen = Math.max(seen, totals.events);
        const sum = (f: 'audio_bytes' | 'events') => groups.reduce((n, g) => n + g[f], 0);
        const exactSum = (f: 'seconds' | 'credits') => groups.reduce((n, g) => n + parseUnits(g.exact[f]), 0n);
        if (sum('events') !== totals.events || sum('audio_bytes') !== totals.audio_bytes)
          mismatches.push(
            `${group}: groups hold ${sum('events')} events, totals ${totals.events} (${enqueued} queued)`,
          );
        else if (
          exactSum('seconds') !== parseUnits(totals.exact.seconds) ||
          exactSum('credits') !== parseUnits(totals.exact.credits)
        )
          mismatches.push(`${group}: exact sums differ from the totals at ${totals.events} events`);
      }
    };
    await Promise.all(['user_id', 'day', 'model'].map(reader));
    await ingest;
    expect(seen).toBe(EVENTS);
    expect(answers).toBeGreaterThan(3);
    expect(mismatches).toEqual([]);
  }, 120_000);
});
