import { PinoLogger } from 'nestjs-pino';
import { Upstream } from '@tts/config';
import { DEFAULT_SESSION_CONFIG, SessionConfig, UPSTREAM_SPEED } from '@tts/protocol';
import { PooledConnection } from './pooled-connection';
import { PoolDemand } from './pool-demand';
import { PooledListener } from './pooled-listener';
import { UpstreamConnection, UpstreamEnd, UpstreamListener } from './upstream-connection';
import { UpstreamPoolSettings } from './upstream-pool-settings';

/** First wait before reopening after a pooled connection failed; doubled per failure in a row. */
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** A pooled connection Deepgram closes sooner than this after opening counts as a failure (no reconnect loop). */
const SHORTEST_HEALTHY_MS = 1000;

/** The upstream parameters a pooled connection is opened with; a session must match all of them. */
export type PoolConfig = Pick<SessionConfig, 'model' | 'encoding' | 'sample_rate'> & { speed?: number };

export function poolKey(config: PoolConfig): string {
  // Deepgram's default rate is the same upstream as none at all.
  const speed = config.speed === UPSTREAM_SPEED.default ? undefined : config.speed;
  return `${config.model}|${config.encoding}|${config.sample_rate}|${speed ?? ''}`;
}

/** Why a pooled connection left the pool other than to a session. */
export type PoolDiscard = 'closed' | 'retired' | 'failed' | 'evicted';

export interface PoolStats {
  ready: number;
  connecting: number;
  /** Connections the pool aims to hold now, over all configurations (see PoolDemand). */
  target: number;
  hits: number;
  misses: number;
  discarded: Record<PoolDiscard, number>;
}

interface Pooled {
  connection: PooledConnection;
  listener: PooledListener;
  /** `performance.now()` when it was started, and when it opened. */
  startedAt: number;
  openedAt?: number;
  retireTimer?: NodeJS.Timeout;
}

/** The pooled connections of one configuration. */
interface Slot {
  config: PoolConfig;
  /** Open and waiting, oldest first. */
  ready: Pooled[];
  connecting: Set<Pooled>;
  demand: PoolDemand;
  failures: number;
  retryTimer?: NodeJS.Timeout;
}

/**
 * Upstream connections opened ahead of need, so a session's first utterance does not wait for the
 * Deepgram handshake. Kept for the most recently used configurations (the default one to begin with),
 * `size` each, and up to `maxSize` while sessions arrive faster than `size` connections can be replaced
 * (PoolDemand). Nothing is ever sent on a pooled connection, a connection is never pooled twice, and one
 * that waited `maxIdleMs` is closed and replaced (or, once the demand has passed, not replaced), before
 * Deepgram's idle close and lifetime limit.
 */
export class UpstreamPool {
  /** Least recently used first. */
  private readonly slots = new Map<string, Slot>();
  private hits = 0;
  private misses = 0;
  private readonly discarded: Record<PoolDiscard, number> = { closed: 0, retired: 0, failed: 0, evicted: 0 };
  private stopped = false;

  constructor(
    private readonly settings: UpstreamPoolSettings,
    private readonly upstream: Upstream,
    private readonly log: PinoLogger,
  ) {}

  get enabled(): boolean {
    return this.settings.size > 0;
  }

  /** Starts warming the default configuration. */
  start(): void {
    if (this.enabled) this.use(DEFAULT_SESSION_CONFIG);
  }

  /**
   * An open connection for `config`, its events going to `listener` from now on (the open first, in a
   * microtask), or undefined: open a fresh one. Either way the configuration counts as in use.
   */
  take(config: PoolConfig, listener: UpstreamListener): UpstreamConnection | undefined {
    if (!this.enabled || this.stopped) return undefined;
    const slot = this.use(config);
    slot.demand.taken(performance.now());
    let pooled = slot.ready.pop(); // the youngest: furthest from any idle close
    // One whose close from Deepgram is on its way is left to that close (which replaces it).
    while (pooled && !pooled.connection.live) pooled = slot.ready.pop();
    if (!pooled) {
      this.misses++;
      this.refill(slot); // for the closing ones skipped above
      return undefined;
    }
    this.hits++;
    clearTimeout(pooled.retireTimer);
    pooled.listener.handTo(pooled.connection, listener);
    this.refill(slot);
    return pooled.connection;
  }

  /** The session's upstream: a warm one when the pool has it, else a fresh connection. */
  open(config: SessionConfig, listener: UpstreamListener): UpstreamConnection {
    return (
      this.take(config, listener) ??
      new UpstreamConnection(this.upstream, config, this.settings.connectTimeoutMs, listener)
    );
  }

  stats(): PoolStats {
    let ready = 0;
    let connecting = 0;
    let target = 0;
    const now = performance.now();
    for (const slot of this.slots.values()) {
      ready += slot.ready.length;
      connecting += slot.connecting.size;
      target += this.targetOf(slot, now);
    }
    return { ready, connecting, target, hits: this.hits, misses: this.misses, discarded: { ...this.discarded } };
  }

  /** Closes every pooled connection and opens no more. */
  stop(): void {
    this.stopped = true;
    for (const key of [...this.slots.keys()]) this.drop(key, undefined);
  }

  /** Marks `config` as the most recently used (evicting the least recently used beyond the limit). */
  private use(config: PoolConfig): Slot {
    const key = poolKey(config);
    let slot = this.slots.get(key);
    if (slot) {
      this.slots.delete(key);
      this.slots.set(key, slot);
      return slot;
    }
    const { model, encoding, sample_rate, speed } = config;
    slot = {
      config: { model, encoding, sample_rate, speed },
      ready: [],
      connecting: new Set(),
      demand: new PoolDemand(),
      failures: 0,
    };
    this.slots.set(key, slot);
    for (const old of [...this.slots.keys()].slice(0, Math.max(0, this.slots.size - this.settings.configs))) {
      this.drop(old, 'evicted');
    }
    this.refill(slot);
    return slot;
  }

  private drop(key: string, reason: PoolDiscard | undefined): void {
    const slot = this.slots.get(key)!;
    this.slots.delete(key);
    clearTimeout(slot.retryTimer);
    for (const pooled of [...slot.ready, ...slot.connecting]) {
      clearTimeout(pooled.retireTimer);
      pooled.connection.retire();
      if (reason) this.discarded[reason]++;
    }
  }

  /**
   * Opens connections until the slot holds its target, unless it is waiting out a failure. Never closes
   * one: past a burst, the extra connections leave at their idle limit and are not replaced.
   */
  private refill(slot: Slot): void {
    if (this.stopped || slot.retryTimer || !this.isCurrent(slot)) return;
    const target = this.targetOf(slot, performance.now());
    while (slot.ready.length + slot.connecting.size < target) this.openPooled(slot);
  }

  private targetOf(slot: Slot, now: number): number {
    return slot.demand.target(this.settings.size, this.settings.maxSize, now);
  }

  private isCurrent(slot: Slot): boolean {
    return this.slots.get(poolKey(slot.config)) === slot;
  }

  private openPooled(slot: Slot): void {
    const listener = new PooledListener({
      pooledOpen: () => this.opened(slot, pooled),
      pooledEnd: (end) => this.ended(slot, pooled, end),
    });
    // Container and language never reach the upstream: the pooled fields decide its URL.
    const config: SessionConfig = { ...DEFAULT_SESSION_CONFIG, ...slot.config };
    const connection = new PooledConnection(this.upstream, config, this.settings.connectTimeoutMs, listener);
    const pooled: Pooled = { connection, listener, startedAt: performance.now() };
    slot.connecting.add(pooled);
  }

  private opened(slot: Slot, pooled: Pooled): void {
    slot.connecting.delete(pooled);
    pooled.openedAt = performance.now();
    slot.demand.handshake(pooled.openedAt - pooled.startedAt);
    pooled.retireTimer = setTimeout(() => this.retire(slot, pooled), this.settings.maxIdleMs);
    pooled.retireTimer.unref();
    slot.ready.push(pooled);
  }

  /** Waited long enough: closed before Deepgram would, and replaced. */
  private retire(slot: Slot, pooled: Pooled): void {
    if (!this.remove(slot, pooled)) return;
    pooled.connection.retire();
    this.discarded.retired++;
    slot.failures = 0;
    this.refill(slot);
  }

  /** Deepgram closed a pooled connection (idle, lifetime, network), or it never opened. */
  private ended(slot: Slot, pooled: Pooled, end: UpstreamEnd): void {
    this.remove(slot, pooled);
    const lived = pooled.openedAt === undefined ? -1 : performance.now() - pooled.openedAt;
    if (lived >= SHORTEST_HEALTHY_MS) {
      this.discarded.closed++;
      slot.failures = 0;
      this.log.debug({ end }, 'pooled upstream connection closed by the upstream; replacing it');
      return this.refill(slot);
    }
    this.discarded.failed++;
    // One wait per round of opens: a grown pool opens many at once, and their failing together (Deepgram's
    // concurrency limit, an outage) is one failure, not one per connection.
    if (slot.retryTimer || !this.isCurrent(slot) || this.stopped) return;
    const retryMs = Math.min(RETRY_MIN_MS * 2 ** slot.failures++, RETRY_MAX_MS);
    this.log.warn({ end, retry_ms: retryMs }, 'pooled upstream connection failed; retrying later');
    slot.retryTimer = setTimeout(() => {
      slot.retryTimer = undefined;
      this.refill(slot);
    }, retryMs);
    slot.retryTimer.unref();
  }

  /** Takes `pooled` out of its slot; false if it was no longer there. */
  private remove(slot: Slot, pooled: Pooled): boolean {
    clearTimeout(pooled.retireTimer);
    const index = slot.ready.indexOf(pooled);
    if (index >= 0) slot.ready.splice(index, 1);
    return slot.connecting.delete(pooled) || index >= 0;
  }
}
