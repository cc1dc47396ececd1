import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { firstValueFrom, timeout } from 'rxjs';
import {
  CREDITS_BALANCE_PATTERN,
  CreditsBalanceReply,
  CreditsBalanceRequest,
  ErrorCode,
  RedisNamespace,
  SessionError,
} from '@tts/protocol';
import { SessionAdmission, SessionInfo } from '../session/session-hooks';
import { BalanceCache } from './balance-cache';
import { BALANCE_REQUEST_TIMEOUT_MS } from './credits.constants';

export const BILLING_CLIENT = Symbol('BILLING_CLIENT');

/**
 * Refuses a company whose balance is <= 0 or that billing does not know (4402, not retried by clients).
 * Reads the balance billing keeps in Redis; when it is missing, asks billing over Redis request-reply.
 * When neither answered, the credits are merely unverifiable: a retryable refusal (upstream_error, 1011),
 * like the session limit's during an outage.
 */
@Injectable()
export class CreditsAdmission implements SessionAdmission {
  constructor(
    private readonly balances: BalanceCache,
    @Inject(BILLING_CLIENT) private readonly billing: ClientProxy,
    private readonly namespace: RedisNamespace,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(CreditsAdmission.name);
  }

  async admit(session: SessionInfo): Promise<void> {
    const companyId = session.query.company_id;
    const balance = (await this.cachedBalance(companyId)) ?? (await this.askBilling(companyId));
    if (balance === undefined) {
      throw new SessionError(ErrorCode.UpstreamError, 'credit check temporarily unavailable, retry shortly');
    }
    if (balance === null) {
      throw new SessionError(
        ErrorCode.InsufficientCredits,
        'unknown company: billing has no company with this company_id; create it and add credits with the ' +
          'billing admin API (PUT /v1/companies/{id}, then POST /v1/companies/{id}/credits)',
      );
    }
    if (!(balance > 0)) throw new SessionError(ErrorCode.InsufficientCredits, 'the company has no credits left');
  }

  /** The cached decimal balance as a number (the sign is all that matters here), or undefined. */
  private async cachedBalance(companyId: string): Promise<number | undefined> {
    const value = await this.balances.get(companyId).catch((err: Error) => {
      this.logger.warn({ company_id: companyId, err: err.message }, 'balance cache unreachable');
      return null;
    });
    return value === null ? undefined : Number(value);
  }

  /** Billing's answer: a number, null for an unknown company, undefined when billing did not answer. */
  private async askBilling(companyId: string): Promise<number | null | undefined> {
    const request: CreditsBalanceRequest = { company_id: companyId };
    try {
      const reply = await firstValueFrom(
        this.billing
          .send<CreditsBalanceReply>(this.namespace.channel(CREDITS_BALANCE_PATTERN), request)
          .pipe(timeout(BALANCE_REQUEST_TIMEOUT_MS)),
      );
      return reply.balance_credits;
    } catch (err) {
      this.logger.warn(
        { company_id: companyId, err: (err as Error).message },
        'billing did not answer a balance request',
      );
      return undefined;
    }
  }
}
