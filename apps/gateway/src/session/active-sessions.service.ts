import { Injectable } from '@nestjs/common';
import { ErrorCode } from '@tts/protocol';
import { SessionControl, SessionInfo } from './session-hooks';

export interface ActiveSession {
  info: SessionInfo;
  control: SessionControl;
}

/**
 * The sessions this process is serving right now, by connection and by company, and how many
 * connections are still being admitted: what a drain waits for.
 */
@Injectable()
export class ActiveSessions {
  private readonly byConnection = new Map<string, ActiveSession>();
  private readonly byCompany = new Map<string, Set<string>>();
  private pendingAdmissions = 0;
  private closed = false;

  /** A connection's admission began (it ends with `admissionSettled`, whether it was admitted or not). */
  admissionStarted(): void {
    this.pendingAdmissions++;
  }

  admissionSettled(): void {
    this.pendingAdmissions--;
  }

  /** Connections whose admission has not settled yet. */
  get admitting(): number {
    return this.pendingAdmissions;
  }

  /** No session is added from now on (the drain began): an admission that settles later is refused. */
  close(): void {
    this.closed = true;
  }

  /** False once closed: the caller ends the session instead. */
  add(info: SessionInfo, control: SessionControl): boolean {
    if (this.closed) return false;
    this.byConnection.set(info.connectionId, { info, control });
    const company = info.query.company_id;
    let ids = this.byCompany.get(company);
    if (!ids) this.byCompany.set(company, (ids = new Set()));
    ids.add(info.connectionId);
    return true;
  }

  remove(connectionId: string): void {
    const session = this.byConnection.get(connectionId);
    if (!session) return;
    this.byConnection.delete(connectionId);
    const company = session.info.query.company_id;
    const ids = this.byCompany.get(company);
    ids?.delete(connectionId);
    if (ids?.size === 0) this.byCompany.delete(company);
  }

  get size(): number {
    return this.byConnection.size;
  }

  all(): ActiveSession[] {
    return [...this.byConnection.values()];
  }

  ofCompany(companyId: string): ActiveSession[] {
    const ids = this.byCompany.get(companyId);
    return ids ? [...ids].map((id) => this.byConnection.get(id)!).filter(Boolean) : [];
  }

  /** Ends every session of a company (e.g. its credits ran out); returns how many. */
  terminateCompany(companyId: string, code: ErrorCode, message: string): number {
    const sessions = this.ofCompany(companyId);
    for (const s of sessions) s.control.terminate(code, message);
    return sessions.length;
  }
}
