import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Why the bench cannot run its nginx reference: one line, printed as is. */
export class NginxUnavailable extends Error {}

/**
 * The side-by-side reference needs nginx. When it is missing and installing is allowed (root, apt-get
 * present, BENCH_INSTALL_NGINX not `false`), installs Debian's package; otherwise throws one clear line.
 * Never silently drops the nginx column.
 */
export function ensureNginx(bin: string, env: NodeJS.ProcessEnv = process.env): void {
  if (existsSync(bin)) return;
  const hint = 'install nginx (apt-get install nginx) or point BENCH_NGINX_BIN at one';
  if (env.BENCH_INSTALL_NGINX === 'false') {
    throw new NginxUnavailable(`nginx not found at ${bin} and BENCH_INSTALL_NGINX=false: ${hint}`);
  }
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new NginxUnavailable(
      `nginx not found at ${bin} and cannot install it here (needs root and apt-get): ${hint}`,
    );
  }
  process.stderr.write(`[bench] nginx not found at ${bin}: installing Debian's nginx with apt-get\n`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'nginx'], { env: aptEnv, stdio: 'ignore' });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env: aptEnv, stdio: 'ignore' });
    install();
  }
  if (!existsSync(bin))
    throw new NginxUnavailable(`nginx could not be installed with apt-get (${bin} still missing): ${hint}`);
}
