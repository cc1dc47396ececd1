import { isIP } from 'node:net';
import { ConnectionOptions, SecureContext, TLSSocket, connect, createSecureContext } from 'node:tls';
import { ClientOptions } from 'ws';

/**
 * TLS for the upstream, shared by every connection of the process to Deepgram:
 * - One secure context: without it, every connection builds its own (OpenSSL context and trust store),
 *   a fifth of a millisecond of the event loop per connection in a profile of 3,000 sessions.
 * - Sessions resumed: each new connection offers the TLS session its host (name, port, SNI) issued last,
 *   so its handshake resumes it instead of sending and verifying the certificate chain again, as nginx
 *   does by default (`proxy_ssl_session_reuse`). Only to that host: Node does not check the host name
 *   against a resumed session's certificate. A connection that ends in an error forgets the session it
 *   offered.
 * Node's https.Agent does both, but on Node.js 24 a connection opened through an agent keeps its upgrade
 * request and response alive as long as it lives: 6.7 KB more live heap per session (docs/BENCHMARKS.md).
 * ws takes this `createConnection` instead, a public option of its client.
 * Trusted roots are Node's (plus NODE_EXTRA_CA_CERTS, for a private CA in front of Deepgram).
 */
/** Hosts whose last TLS session is kept (the agent's default was 100 sessions). */
const MAX_HOSTS = 16;

/** Completed upstream TLS handshakes of one kind: resumed or full, and the key exchange group negotiated. */
export interface UpstreamTlsHandshakes {
  resumed: boolean;
  /** OpenSSL's name of the group, e.g. `X25519MLKEM768` (hybrid post-quantum) or `X25519`; `none` without one. */
  group: string;
  count: number;
}

class UpstreamTls {
  private readonly context: SecureContext = createSecureContext();
  /** The last session of each host, oldest first; in practice one (DEEPGRAM_URL's). */
  private readonly sessions = new Map<string, Buffer>();
  readonly handshakes = new Map<string, UpstreamTlsHandshakes>();

  /** What ws calls to open the socket under an https:// upgrade: the request's options, as ws's own would get. */
  readonly connect = (options: ConnectionOptions & { path?: string | null }): TLSSocket => {
    const host = options.host ?? 'localhost';
    // SNI as ws sends it: the host name, none for an IP address.
    const servername = options.servername ?? (isIP(host) ? '' : host);
    const key = `${host}:${options.port ?? ''}:${servername}`;
    const offered = this.sessions.get(key);
    const socket = connect({
      ...options,
      path: undefined, // the request's URL path, not a Unix socket
      servername,
      secureContext: this.context,
      session: offered,
    });
    socket.on('session', (session: Buffer) => this.keep(key, session));
    socket.once('secureConnect', () => this.count(socket));
    socket.once('close', (hadError: boolean) => {
      if (hadError && this.sessions.get(key) === offered) this.sessions.delete(key);
    });
    return socket;
  };

  private count(socket: TLSSocket): void {
    const resumed = socket.isSessionReused();
    const info = socket.getEphemeralKeyInfo();
    const group = (info && 'name' in info && info.name) || 'none';
    const kind = `${resumed}:${group}`;
    const entry = this.handshakes.get(kind);
    if (entry) entry.count++;
    else this.handshakes.set(kind, { resumed, group, count: 1 });
  }

  private keep(key: string, session: Buffer): void {
    this.sessions.delete(key); // re-inserted as the newest
    if (this.sessions.size >= MAX_HOSTS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(key, session);
  }
}

let shared: UpstreamTls | undefined;

/**
 * The ws client options that open an upstream URL's socket: for wss:// (and https://, which ws upgrades
 * to wss://) the process's shared TLS; none for ws://.
 */
export function upstreamTransport(url: string): Pick<ClientOptions, 'createConnection'> {
  if (!/^(wss|https):/i.test(url)) return {};
  shared ??= new UpstreamTls();
  return { createConnection: shared.connect as ClientOptions['createConnection'] };
}

/** The upstream TLS handshakes this process completed, by kind (none while no wss:// connection was opened). */
export function upstreamTlsHandshakes(): UpstreamTlsHandshakes[] {
  return shared ? [...shared.handshakes.values()] : [];
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
