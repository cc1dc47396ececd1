import { lookup as dnsLookup, LookupAddress } from 'dns';
import { Agent as HttpAgent, request as httpRequest } from 'http';
import { Agent as HttpsAgent, request as httpsRequest } from 'https';
import { isIP, LookupFunction } from 'net';
import { isPrivateAddress } from './webhook-url';

/** The webhook host is or resolves to a private address while those are forbidden: retrying cannot help. */
export class PrivateAddressError extends Error {
  constructor(address: string) {
    super(`webhook host resolves to a private address (${address})`);
  }
}

/** dns.lookup's shape, so a test can answer for a name. */
export type Resolve = (hostname: string, callback: (err: Error | null, addresses: LookupAddress[]) => void) => void;

const systemResolve: Resolve = (hostname, callback) => dnsLookup(hostname, { all: true }, callback);

/**
 * The lookup every webhook connection makes: it resolves the name once and, when private addresses are
 * forbidden, refuses if any answer is private. The addresses it checked are the ones the socket connects
 * to, so a name re-pointed between a check and the connection (DNS rebinding) cannot slip through.
 */
export function pinnedLookup(allowPrivate: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) =>
    resolve(hostname, (err, addresses) => {
      if (err) return callback(err, '');
      const refused = allowPrivate ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (refused) return callback(new PrivateAddressError(refused.address), '');
      const usable = addresses.filter((a) => !options.family || a.family === options.family);
      if (usable.length === 0)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      if (options.all) return callback(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
}

interface WebhookSenderOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: Resolve;
}

/**
 * POSTs webhook bodies over agents whose every connection resolves through `pinnedLookup`. An IP literal
 * is never looked up, so it is judged here. Redirects are not followed (a 3xx is a failed attempt).
 */
export class WebhookSender {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(private readonly options: WebhookSenderOptions) {
    const lookup = pinnedLookup(options.allowPrivate, options.resolve);
    this.http = new HttpAgent({ keepAlive: true, lookup });
    this.https = new HttpsAgent({ keepAlive: true, lookup });
  }

  /** Resolves with the status code; rejects on a refused address, a network error or the timeout. */
  post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!this.options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      return Promise.reject(new PrivateAddressError(host));
    }
    const https = target.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(target, {
        method: 'POST',
        agent: https ? this.https : this.http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      req.on('response', (res) => {
        res.resume(); // the answer's body is not read, only drained so the socket can be reused
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
