import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { timingSafeEqual } from 'crypto';
import { BillingEnv } from '@tts/config';
import { BILLING_ENV } from '../config/billing-env.provider';

/**
 * True when the Authorization header carries the admin token: Bearer always; HTTP Basic with the token as
 * password only where `allowBasic` (the browser UIs: /docs and /admin/queues), never on the JSON API.
 */
export function isAdminAuthorized(header: string | undefined, token: string, allowBasic = false): boolean {
  if (!header) return false;
  // The scheme's name is case-insensitive (RFC 9110, 11.1): some clients and proxies send `bearer`.
  const [, scheme, credentials] = /^(\S+) +(.*)$/s.exec(header) ?? [];
  let presented: string | undefined;
  if (scheme?.toLowerCase() === 'bearer') presented = credentials.trim();
  else if (allowBasic && scheme?.toLowerCase() === 'basic')
    presented = Buffer.from(credentials, 'base64').toString().split(':').slice(1).join(':');
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The JSON admin API never runs open: without BILLING_ADMIN_TOKEN configured every call is refused. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(BILLING_ENV) private readonly env: BillingEnv) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.env.BILLING_ADMIN_TOKEN) {
      throw new ServiceUnavailableException('admin API disabled: BILLING_ADMIN_TOKEN is not configured');
    }
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
      .headers.authorization;
    if (!isAdminAuthorized(header, this.env.BILLING_ADMIN_TOKEN)) {
      throw new UnauthorizedException('missing or wrong admin token (Authorization: Bearer <BILLING_ADMIN_TOKEN>)');
    }
    return true;
  }
}
