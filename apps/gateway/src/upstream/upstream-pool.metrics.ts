import { Counter, Gauge, Registry } from 'prom-client';
import { PoolDiscard, UpstreamPool } from './upstream-pool';

const DISCARDS: readonly PoolDiscard[] = ['closed', 'retired', 'failed', 'evicted'];

/** The pool's gauges and counters, read from the pool at scrape time (nothing on the session path). */
export function registerUpstreamPoolMetrics(registry: Registry, pool: UpstreamPool): void {
  new Gauge({
    name: 'tts_gateway_upstream_pool_connections',
    help: 'Upstream connections in the warm pool: ready (open, waiting for a session) or connecting.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { ready, connecting } = pool.stats();
      this.set({ state: 'ready' }, ready);
      this.set({ state: 'connecting' }, connecting);
    },
  });
  new Gauge({
    name: 'tts_gateway_upstream_pool_target_connections',
    help: 'Connections the warm pool aims to hold, over all configurations: UPSTREAM_POOL_SIZE each, more (up to UPSTREAM_POOL_MAX_SIZE) while sessions arrive faster than that many can be replaced.',
    registers: [registry],
    collect() {
      this.set(pool.stats().target);
    },
  });
  new Counter({
    name: 'tts_gateway_upstream_pool_hits_total',
    help: 'Upstream connections a session took from the warm pool instead of opening one.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(pool.stats().hits);
    },
  });
  new Counter({
    name: 'tts_gateway_upstream_pool_misses_total',
    help: 'Upstream connections a session had to open because the warm pool had none for its configuration.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(pool.stats().misses);
    },
  });
  new Counter({
    name: 'tts_gateway_upstream_pool_discarded_total',
    help: 'Pooled connections that left the pool unused: closed by the upstream, retired at the idle limit, failed to open, evicted with their configuration.',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      const { discarded } = pool.stats();
      this.reset();
      for (const reason of DISCARDS) this.inc({ reason }, discarded[reason]);
    },
  });
}
