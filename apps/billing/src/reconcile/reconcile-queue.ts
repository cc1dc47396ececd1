import { Job, Queue } from 'bullmq';

export interface QueuedUsageRow {
  company_id: string;
  /** Jobs that ran out of attempts or were refused for good: audio not billed until someone retries them. */
  failed_jobs: number;
  /** Jobs waiting, running or waiting out a retry's backoff: billed once they are applied. */
  pending_jobs: number;
  ok: boolean;
}

const PAGE = 1000;
const PENDING = ['wait', 'active', 'delayed', 'prioritized', 'paused'] as const;
/** A job whose data names no company (a malformed one). */
export const UNKNOWN_COMPANY = '(none)';

/**
 * Usage events still in the usage queue, per company: the ledger cannot show them, so the ledger's
 * report alone would call a company whose events failed for good "ok". A failed job is a mismatch;
 * pending ones are in flight, reported so a check right after an incident can be read.
 */
export async function reconcileQueue(queue: Queue): Promise<QueuedUsageRow[]> {
  const rows = new Map<string, QueuedUsageRow>();
  const count = async (type: string, field: 'failed_jobs' | 'pending_jobs') => {
    // One state at a time: BullMQ applies a range to each state it is given, not to their union.
    for (let start = 0; ; start += PAGE) {
      const jobs: Array<Job | undefined> = await queue.getJobs(type as never, start, start + PAGE - 1, true);
      for (const job of jobs) {
        if (!job) continue; // applied and removed while we read
        const company = companyOf(job);
        const row = rows.get(company) ?? { company_id: company, failed_jobs: 0, pending_jobs: 0, ok: true };
        row[field]++;
        row.ok = row.failed_jobs === 0;
        rows.set(company, row);
      }
      if (jobs.length < PAGE) return;
    }
  };
  await count('failed', 'failed_jobs');
  for (const type of PENDING) await count(type, 'pending_jobs');
  return [...rows.values()].sort((a, b) => a.company_id.localeCompare(b.company_id));
}

function companyOf(job: Job): string {
  const id = (job.data as { company_id?: unknown } | undefined)?.company_id;
  return typeof id === 'string' && id !== '' ? id : UNKNOWN_COMPANY;
}
