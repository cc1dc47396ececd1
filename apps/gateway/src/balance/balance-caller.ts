import { BadRequestException, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { IncomingMessage } from 'http';
import { SessionError } from '@tts/protocol';
import { AuthSettings } from '../auth/auth-settings';
import { readClientCredentials } from '../auth/client-credentials';
import { secretKey, verifyClientToken } from '../auth/client-token';

const COMPANY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Whose balance a request may read: the company of its client token (the same token, and the same places
 * to carry it, as the WebSocket). Only with AUTH_DISABLED (local development) does `?company_id=` choose.
 */
@Injectable()
export class BalanceCaller {
  private readonly key: Uint8Array | undefined;

  constructor(private readonly settings: AuthSettings) {
    this.key = settings.secret ? secretKey(settings.secret) : undefined;
  }

  /** `askedCompanyId` as parsed from the query: a repeated or bracketed `company_id` is refused, not ignored. */
  async companyOf(request: IncomingMessage, askedCompanyId: unknown): Promise<string> {
    if (askedCompanyId !== undefined && (typeof askedCompanyId !== 'string' || !COMPANY_ID.test(askedCompanyId))) {
      throw new BadRequestException('company_id must be 1-128 characters of A-Z a-z 0-9 . _ : -');
    }
    if (this.settings.disabled) {
      if (askedCompanyId === undefined) throw new BadRequestException('company_id is required when auth is off');
      return askedCompanyId;
    }
    const credentials = readClientCredentials(request);
    if (!credentials) throw new UnauthorizedException('missing token');
    if (!this.key) throw new UnauthorizedException('client auth is not configured');
    const claims = await verifyClientToken(credentials.token, this.key, this.settings.maxTokenTtlS).catch(
      (err: unknown) => {
        throw new UnauthorizedException(err instanceof SessionError ? err.message : 'token invalid');
      },
    );
    if (askedCompanyId !== undefined && askedCompanyId !== claims.companyId) {
      throw new ForbiddenException('token company_id does not match the company_id parameter');
    }
    return claims.companyId;
  }
}
