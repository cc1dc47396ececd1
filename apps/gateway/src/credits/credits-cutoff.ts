import { PinoLogger } from 'nestjs-pino';
import { ErrorCode } from '@tts/protocol';
import { ActiveSessions } from '../session/active-sessions.service';

/** How a depleted company was noticed: billing's broadcast, or this pod reading the balance cache. */
export type DepletionSource = 'broadcast' | 'balance_check';

/** Ends every session of a company that ran out of credits on this pod (idempotent: ended sessions are gone). */
export function endDepletedCompany(
  sessions: ActiveSessions,
  logger: PinoLogger,
  companyId: string,
  source: DepletionSource,
): number {
  const ended = sessions.terminateCompany(
    companyId,
    ErrorCode.InsufficientCredits,
    'the company has run out of credits',
  );
  if (ended > 0) logger.info({ company_id: companyId, sessions: ended, source }, 'sessions ended: credits depleted');
  return ended;
}
