import { Agent } from 'node:https';
import { createSecureContext } from 'node:tls';

/**
 * TLS for the upstream: one agent per process, shared by every connection to Deepgram.
 * - Sessions resumed: a websocket opened without an agent makes a full TLS handshake every time
 *   (certificate chain sent and verified again); through the agent, the session ticket Deepgram issued
 *   on an earlier connection is offered and the handshake resumes it, as nginx does by default
 *   (`proxy_ssl_session_reuse`).
 * - One secure context: without it, every connection builds its own (OpenSSL context and trust store),
 *   a fifth of a millisecond of the event loop per connection in a profile of 3,000 sessions.
 * The agent only opens sockets: each upgraded connection is the session's own, never pooled by the agent.
 * Trusted roots are Node's (plus NODE_EXTRA_CA_CERTS, for a private CA in front of Deepgram).
 */
let tlsSessions: Agent | undefined;

/** The agent for an upstream URL: for wss:// (and https://, which ws upgrades to wss://); none for ws://. */
export function upstreamAgent(url: string): Agent | undefined {
  if (!/^(wss|https):/i.test(url)) return undefined;
  tlsSessions ??= new Agent({ maxCachedSessions: 100, secureContext: createSecureContext() });
  return tlsSessions;
}

/**
 * Node's X.509 verification error codes (tls docs, "X509 certificate error codes") that are a verdict on the
 * certificate, plus a host name mismatch; not OUT_OF_MEM, a failure of the verifying process that may pass.
 */
const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The upstream's TLS certificate was not accepted (untrusted issuer, expired, wrong host): no retry will help. */
export function isCertificateError(error: NodeJS.ErrnoException): boolean {
  return error.code !== undefined && CERTIFICATE_ERRORS.has(error.code);
}
