import { BadRequestException, Injectable } from '@nestjs/common';
import { IncomingMessage } from 'http';
import { ClientAuth, asHttpRefusal, assertTokenCompany } from '../auth/client-auth';

const COMPANY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Whose balance a request may read: the company of its client token, checked by ClientAuth exactly as a
 * WebSocket connect is (same token, same places to carry it, same rules); a refusal is the HTTP status of
 * the connect's close code (401 for 4401, 403 for 4403). Only with AUTH_DISABLED (local development)
 * does `?company_id=` choose.
 */
@Injectable()
export class BalanceCaller {
  constructor(private readonly clients: ClientAuth) {}

  /** `askedCompanyId` as parsed from the query: a repeated or bracketed `company_id` is refused, not ignored. */
  async companyOf(request: IncomingMessage, askedCompanyId: unknown): Promise<string> {
    if (askedCompanyId !== undefined && (typeof askedCompanyId !== 'string' || !COMPANY_ID.test(askedCompanyId))) {
      throw new BadRequestException('company_id must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    }
    try {
      const claims = await this.clients.authenticate(request);
      if (!claims) {
        if (askedCompanyId === undefined) throw new BadRequestException('company_id is required when auth is off');
        return askedCompanyId;
      }
      if (askedCompanyId !== undefined) assertTokenCompany(claims, askedCompanyId);
      return claims.companyId;
    } catch (err) {
      throw asHttpRefusal(err);
    }
  }
}
