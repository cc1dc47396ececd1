import { AuthAdmission } from '../auth/auth.admission';
import { OriginAdmission } from '../auth/origin.admission';
import { CreditsAdmission } from '../credits/credits.admission';
import { DrainAdmission } from '../drain/drain.admission';
import { SessionLimitAdmission } from '../limits/session-limit.admission';
import { UsageAdmission } from '../usage/usage.admission';

/**
 * Every check a connection passes before it becomes a session, in the order they run: the list order
 * IS the order. The first refusal ends the connection; later steps never run and what earlier ones
 * granted is released. Cheap local refusals come first, so a refused connection costs the least.
 * Each step is provided and registered by its feature module (SessionHooks.addAdmission).
 */
export const ADMISSION_PIPELINE = [
  // A draining pod refuses at once (server_shutdown, 1001: reconnect elsewhere), before any token check.
  DrainAdmission,
  // Who: a valid client token whose claims match company_id and user_id (4401, 4403).
  AuthAdmission,
  // From where: no cross-site page riding on a browser's ambient credentials (4403).
  OriginAdmission,
  // Usage can be recorded (retryable upstream_error); a refusal here spares the credit check's round trip.
  UsageAdmission,
  // The company has credits (4402; retryable upstream_error when unverifiable).
  CreditsAdmission,
  // Last, as it takes a concurrent-session lease (4429): released again if the session never starts.
  SessionLimitAdmission,
] as const;

export type AdmissionStep = (typeof ADMISSION_PIPELINE)[number];
