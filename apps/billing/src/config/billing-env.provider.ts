/** Injection token of the validated BillingEnv (loaded once in main.ts, or by a test). */
export const BILLING_ENV = Symbol('BILLING_ENV');
/** ClientProxy (Redis transport) on which billing announces balance events to the gateways. */
export const GATEWAY_EVENTS = Symbol('GATEWAY_EVENTS');
