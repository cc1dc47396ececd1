import { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService } from './service-process';

export const NGINX_BIN = process.env.BENCH_NGINX_BIN ?? '/usr/sbin/nginx';

/**
 * The reference proxy: one nginx worker (as one gateway process), WebSocket upgrade headers
 * passed through, no buffering, so what it adds is the cost of a plain byte-forwarding hop.
 */
function nginxConfig(prefix: string, listenPort: number, upstreamPort: number, upstreamCert?: string): string {
  const tmp = (name: string): string => join(prefix, 'tmp', name);
  // Over TLS: the emulator's certificate verified (it names localhost), the TLS session reused (nginx's default).
  const tls = upstreamCert
    ? `
      proxy_ssl_trusted_certificate ${upstreamCert};
      proxy_ssl_verify on;
      proxy_ssl_name localhost;
      proxy_ssl_session_reuse on;`
    : '';
  return `daemon off;
user root;
worker_processes 1;
worker_rlimit_nofile 20000;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 16000; }
http {
  access_log off;
  client_body_temp_path ${tmp('body')};
  proxy_temp_path ${tmp('proxy')};
  fastcgi_temp_path ${tmp('fastcgi')};
  uwsgi_temp_path ${tmp('uwsgi')};
  scgi_temp_path ${tmp('scgi')};
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass ${upstreamCert ? 'https' : 'http'}://127.0.0.1:${upstreamPort};${tls}
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_buffering off;
      proxy_read_timeout 3600s;
      proxy_send_timeout 3600s;
      tcp_nodelay on;
    }
  }
}
`;
}

/** `bin`: what ensureNginx returned. */
export function startNginx(
  bin: string,
  prefix: string,
  listenPort: number,
  upstreamPort: number,
  cpus?: string,
  /** The upstream is TLS with this certificate (PEM file) to trust; plain when undefined. */
  upstreamCert?: string,
): ChildProcess {
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(prefix, listenPort, upstreamPort, upstreamCert));
  // -e: the startup log goes to the prefix too, not to the package's /var/log/nginx (absent for a private copy).
  const args = ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', conf];
  return startService({ name: 'nginx', command: bin, args, logDir: prefix, cpus });
}
