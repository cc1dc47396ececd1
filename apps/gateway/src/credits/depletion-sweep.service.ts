import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ActiveSessions } from '../session/active-sessions.service';
import { SessionInfo, SessionObserver, SessionTap } from '../session/session-hooks';
import { BalanceCache } from './balance-cache';
import { endDepletedCompany } from './credits-cutoff';
import { DEPLETION_SWEEP_INTERVAL_MS, DEPLETION_SWEEP_MGET_MAX, START_CHECK_COALESCE_MS } from './credits.constants';

const NO_OP_TAP: SessionTap = {
  audioDelivered: () => undefined,
  textSent: () => undefined,
  end: () => Promise.resolve(),
};

/**
 * The safety net under billing's depletion broadcast, which a pod can miss: one sent between a
 * session's credit admission and its registration, or while this pod's subscriber was reconnecting.
 * A session's company balance is read again once the session has started (one MGET for the sessions
 * starting within START_CHECK_COALESCE_MS), and every DEPLETION_SWEEP_INTERVAL_MS one MGET reads the
 * balance of every company with sessions here.
 * A cached balance <= 0 ends the company's sessions as the broadcast would; a missing one is left alone.
 */
@Injectable()
export class DepletionSweep implements SessionObserver, OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  /** Companies of sessions started since the last start-of-session read, and the timer of the next one. */
  private readonly started = new Set<string>();
  private startedTimer?: NodeJS.Timeout;
  private sweeping = false;
  private unreachable = false;

  constructor(
    private readonly cache: BalanceCache,
    private readonly sessions: ActiveSessions,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(DepletionSweep.name);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), DEPLETION_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the periodic sweep (shutdown; tests that exercise the start-of-session check alone). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onApplicationShutdown(): void {
    this.stop();
    clearTimeout(this.startedTimer);
  }

  /** Runs once the session is registered as active, so a depletion from here on is seen by one path or the other. */
  onSessionStart(info: SessionInfo): SessionTap {
    this.started.add(info.query.company_id);
    this.startedTimer ??= setTimeout(() => this.checkStarted(), START_CHECK_COALESCE_MS).unref();
    return NO_OP_TAP;
  }

  private checkStarted(): void {
    this.startedTimer = undefined;
    const companies = [...this.started];
    this.started.clear();
    void this.checkInChunks(companies);
  }

  async sweep(): Promise<void> {
    if (this.sweeping || this.sessions.size === 0) return;
    this.sweeping = true;
    try {
      await this.checkInChunks([...new Set(this.sessions.all().map((s) => s.info.query.company_id))]);
    } finally {
      this.sweeping = false;
    }
  }

  /** One MGET per DEPLETION_SWEEP_MGET_MAX companies, one after the other. */
  private async checkInChunks(companies: string[]): Promise<void> {
    for (let i = 0; i < companies.length; i += DEPLETION_SWEEP_MGET_MAX) {
      await this.check(companies.slice(i, i + DEPLETION_SWEEP_MGET_MAX));
    }
  }

  private async check(companyIds: string[]): Promise<void> {
    let balances: (string | null)[];
    try {
      balances = await this.cache.getMany(companyIds);
    } catch (err) {
      // The broadcast still works if only this connection suffers; one line per outage.
      if (!this.unreachable) this.logger.warn({ err: (err as Error).message }, 'balance check: cache unreachable');
      this.unreachable = true;
      return;
    }
    this.unreachable = false;
    balances.forEach((balance, i) => {
      if (balance !== null && Number(balance) <= 0) {
        endDepletedCompany(this.sessions, this.logger, companyIds[i], 'balance_check');
      }
    });
  }
}
