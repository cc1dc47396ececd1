import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';

/** Why the bench cannot run its nginx reference: one line, printed as is. */
export class NginxUnavailable extends Error {}

/** A program that can run: a regular file with an execute bit (a hidden or half-removed binary is not). */
function runnable(bin: string): boolean {
  try {
    accessSync(bin, constants.X_OK);
    return statSync(bin).isFile();
  } catch {
    return false;
  }
}

export interface InstallContext {
  /** Installing needs root; defaults to this process's uid. */
  root?: boolean;
}

/**
 * The side-by-side reference needs nginx. When it is missing and installing is allowed (root, apt-get
 * on PATH, BENCH_INSTALL_NGINX not `false`), installs Debian's package; otherwise throws one clear line.
 * Never silently drops the nginx column.
 */
export function ensureNginx(
  bin: string,
  env: NodeJS.ProcessEnv = process.env,
  { root = process.getuid?.() === 0 }: InstallContext = {},
): void {
  if (runnable(bin)) return;
  const hint = 'install nginx (apt-get install nginx) or point BENCH_NGINX_BIN at one';
  if (env.BENCH_INSTALL_NGINX === 'false') {
    throw new NginxUnavailable(`nginx not found at ${bin} and BENCH_INSTALL_NGINX=false: ${hint}`);
  }
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args: string[]) => spawnSync('apt-get', args, { env: aptEnv, stdio: 'ignore' });
  if (!root || apt(['--version']).error) {
    throw new NginxUnavailable(
      `nginx not found at ${bin} and cannot install it here (needs root and apt-get): ${hint}`,
    );
  }
  process.stderr.write(`[bench] nginx not found at ${bin}: installing Debian's nginx with apt-get\n`);
  const install = () => apt(['install', '-y', '-qq', 'nginx']);
  if (install().status !== 0) {
    apt(['update', '-qq']);
    install();
  }
  if (!runnable(bin))
    throw new NginxUnavailable(`nginx could not be installed with apt-get (${bin} still missing): ${hint}`);
}
