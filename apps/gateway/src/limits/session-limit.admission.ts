import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { ErrorCode, SessionError } from '@tts/protocol';
import { ActiveSessions } from '../session/active-sessions.service';
import { SessionAdmission, SessionInfo, SessionRelease } from '../session/session-hooks';
import { LimitsSettings } from './limits-settings';
import { LeaseHolder, SessionLeaseStore } from './session-lease.store';

/**
 * At most MAX_SESSIONS_PER_COMPANY concurrent sessions per company across all pods, through Redis
 * leases this pod renews in one batch every SESSION_LEASE_RENEW_MS; a crashed pod's leases lapse.
 * Redis unreachable at connect fails closed (a short refusal beats an unbounded session); during a
 * session a failed renewal only logs, since the lease outlives a few missed renewals.
 */
@Injectable()
export class SessionLimitAdmission implements SessionAdmission {
  private readonly held = new Map<string, LeaseHolder>();
  private renewTimer?: NodeJS.Timeout;
  private renewing = false;

  constructor(
    private readonly store: SessionLeaseStore,
    private readonly settings: LimitsSettings,
    private readonly sessions: ActiveSessions,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(SessionLimitAdmission.name);
  }

  async admit(session: SessionInfo): Promise<SessionRelease> {
    const holder = { companyId: session.query.company_id, connectionId: session.connectionId };
    let granted: boolean;
    try {
      granted = await this.store.hold(holder, this.settings.maxSessionsPerCompany);
    } catch (err) {
      this.logger.error({ company_id: holder.companyId, err: (err as Error).message }, 'session lease unavailable');
      throw new SessionError(ErrorCode.UpstreamError, 'session limits are temporarily unavailable; retry shortly');
    }
    if (!granted) {
      throw new SessionError(
        ErrorCode.TooManySessions,
        `company is at its limit of ${this.settings.maxSessionsPerCompany} concurrent sessions`,
      );
    }
    this.held.set(holder.connectionId, holder);
    this.scheduleRenewals();
    return () => this.release(holder);
  }

  /** Stops renewing (after the drain: sessions still finishing keep their leases until then). */
  stop(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private async release(holder: LeaseHolder): Promise<void> {
    if (!this.held.delete(holder.connectionId)) return;
    if (this.held.size === 0) this.stop();
    try {
      await this.store.release(holder);
    } catch (err) {
      // The lease lapses on its own within SESSION_LEASE_TTL_MS.
      this.logger.warn({ company_id: holder.companyId, err: (err as Error).message }, 'session lease release failed');
    }
  }

  private scheduleRenewals(): void {
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => void this.renewAll(), this.settings.leaseRenewMs);
    this.renewTimer.unref();
  }

  private async renewAll(): Promise<void> {
    if (this.renewing || this.held.size === 0) return;
    this.renewing = true;
    try {
      const lost = await this.store.renew([...this.held.values()], this.settings.maxSessionsPerCompany);
      for (const holder of lost) this.endLost(holder);
    } catch (err) {
      this.logger.warn({ sessions: this.held.size, err: (err as Error).message }, 'session lease renewal failed');
    } finally {
      this.renewing = false;
    }
  }

  /** Its lease lapsed (Redis was unreachable longer than the TTL) and others took the slot. */
  private endLost(holder: LeaseHolder): void {
    if (!this.held.has(holder.connectionId)) return;
    const session = this.sessions.ofCompany(holder.companyId).find((s) => s.info.connectionId === holder.connectionId);
    session?.control.terminate(
      ErrorCode.TooManySessions,
      'session lease lost: company is at its concurrent-session limit',
    );
  }
}
