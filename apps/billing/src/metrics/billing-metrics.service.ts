import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QueueName } from '@tts/protocol';

/**
 * A scrape must not hang on a database that does not answer: the gauge keeps its last value then. The
 * same bound is the count's statement_timeout, so a read stuck behind a lock gives its pool connection back.
 */
const UNDELIVERED_READ_TIMEOUT_MS = 2000;

/**
 * The undelivered-alerts count, read at most once at a time: scrapes that come while a read is still
 * waiting (a table lock, a slow database) share it, instead of each holding one more pool connection
 * that the ledger and the admin API need.
 */
function undeliveredReader(db: DataSource): () => Promise<number | undefined> {
  let reading: Promise<number | undefined> | undefined;
  const read = () =>
    db.transaction(async (manager) => {
      await manager.query(`SET LOCAL statement_timeout = ${UNDELIVERED_READ_TIMEOUT_MS}`);
      const [row]: Array<{ n: number }> = await manager.query(
        `SELECT count(*)::int AS n FROM low_balance_events WHERE failed_at IS NOT NULL`,
      );
      return row.n;
    });
  return () =>
    (reading ??= read()
      .catch(() => undefined)
      .finally(() => (reading = undefined)));
}

/** Prometheus metrics of this billing process (its own registry: several apps may share a test process). */
@Injectable()
export class BillingMetrics {
  readonly registry = new Registry();
  readonly applied = new Counter({
    name: 'billing_usage_events_applied_total',
    help: 'Usage events written to the ledger (first delivery)',
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'billing_usage_events_duplicate_total',
    help: 'Usage events delivered again and skipped by the ledger',
    registers: [this.registry],
  });
  readonly failed = new Counter({
    name: 'billing_usage_events_failed_total',
    help: 'Usage event applications that failed (retried, or kept as failed jobs)',
    registers: [this.registry],
  });
  readonly lag = new Histogram({
    name: 'billing_usage_event_lag_seconds',
    help: 'Time from a usage job being queued to its processing',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  readonly alertsFired = new Counter({
    name: 'billing_low_balance_alerts_fired_total',
    help: 'Low-balance alerts fired (a balance crossed its threshold downwards), counted once when queued',
    registers: [this.registry],
  });
  readonly alertsDelivered = new Counter({
    name: 'billing_low_balance_alerts_delivered_total',
    help: 'Low-balance webhooks answered 2xx by their receiver',
    registers: [this.registry],
  });
  readonly alertsFailed = new Counter({
    name: 'billing_low_balance_alerts_failed_total',
    help:
      'Low-balance webhooks that failed for good (every attempt used; kept as failed jobs). A counter: a later ' +
      'successful retry does not lower it (billing_low_balance_alerts_undelivered does)',
    registers: [this.registry],
  });

  readonly exportedRows = new Counter({
    name: 'billing_usage_export_rows_total',
    help: 'Usage rows read from the database cursor by CSV exports',
    registers: [this.registry],
  });

  constructor(@InjectQueue(QueueName.TtsUsage) queue: Queue, @InjectDataSource() db: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    const readUndelivered = undeliveredReader(db);
    new Gauge({
      name: 'billing_usage_queue_jobs',
      help: 'Usage jobs in the queue by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => undefined);
        for (const [state, n] of Object.entries(counts ?? {})) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'billing_low_balance_alerts_undelivered',
      help:
        'Low-balance alerts that failed for good and were not delivered since (a successful retry from the ' +
        'queue dashboard takes one off); what billing:reconcile counts as failed, over every alert fired',
      registers: [this.registry],
      async collect() {
        let timer: NodeJS.Timeout | undefined;
        const n = await Promise.race([
          readUndelivered(),
          new Promise<undefined>(
            (resolve) => (timer = setTimeout(() => resolve(undefined), UNDELIVERED_READ_TIMEOUT_MS)),
          ),
        ]).finally(() => clearTimeout(timer));
        if (n !== undefined) this.set(n);
      },
    });
  }
}
