import { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { EMULATOR_SPEAK_PATH, RedisNamespace, TTS_STREAM_PATH } from '@tts/protocol';
import { BenchOptions } from './bench-options';
import { CLIENT_CONFIG, PathKind } from './bench-session';
import { ensureNginx } from './nginx-install';
import { NGINX_BIN, startNginx } from './nginx-proxy';
import { freePort, startService, stopService, waitReady } from './service-process';
import { GATEWAY_NODE_FLAGS } from '../../apps/gateway/src/node-flags';

const DIST = join(__dirname, '..', '..');
const GATEWAY_ENTRY = join(DIST, 'apps', 'gateway', 'src', 'main.js');
const EMULATOR_ENTRY = join(__dirname, 'emulator-process.js');
const NODE_PIPE_ENTRY = join(__dirname, 'node-pipe.js');
/** The emulator's certificate and key with `--upstream-tls`: the tests' self-signed pair for localhost and 127.0.0.1. */
const TLS_DIR = join(DIST, '..', 'test', 'fixtures', 'tls');
export const BENCH_TLS = { cert: join(TLS_DIR, 'emulator.crt'), key: join(TLS_DIR, 'emulator.key') };
/** Enough credits that no bench run can deplete them (billing is not running: nothing is debited anyway). */
const BENCH_CREDITS = '1000000';

export interface GatewayProcess {
  child: ChildProcess;
  port: number;
}

/** The processes under test: emulator, nginx in front of it, and gateway instances, each in its own process. */
export class BenchStack {
  readonly workDir = mkdtempSync(join(tmpdir(), 'tts-bench-relay-'));
  readonly companyId = `bench-relay-${process.pid}`;
  private readonly bullPrefix = `bench-relay-${process.pid}`;
  private readonly children: ChildProcess[] = [];
  private readonly redis: Redis;
  emulatorPort = 0;
  nginxPort = 0;
  emulatorPid = 0;
  private nginxMasterPid = 0;
  /** The nginx binary in use: the system's, or a private copy (see ensureNginx). */
  nginxBin = NGINX_BIN;

  constructor(private readonly options: BenchOptions) {
    this.redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  }

  /**
   * Throws NginxUnavailable (one clear line) before starting anything when nginx is missing and cannot
   * be installed. `withNginx: false` (a simultaneous run that names no nginx) needs no nginx at all.
   */
  async start(withNginx = true): Promise<void> {
    if (withNginx) this.nginxBin = ensureNginx(NGINX_BIN);
    await this.redis.connect();
    await this.redis.set(new RedisNamespace(this.bullPrefix).balanceKey(this.companyId), BENCH_CREDITS);
    this.emulatorPort = await freePort();
    const tls = this.options.upstreamTls;
    // Every process started from here on (gateways, load generators) trusts the emulator's certificate.
    if (tls) process.env.NODE_EXTRA_CA_CERTS = BENCH_TLS.cert;
    const emulatorEnv = {
      ...process.env,
      ...(tls ? { EMULATOR_TLS_CERT_FILE: BENCH_TLS.cert, EMULATOR_TLS_KEY_FILE: BENCH_TLS.key } : {}),
      EMULATOR_PORT: String(this.emulatorPort),
      EMULATOR_TTFB_MS: String(this.options.emulatorTtfbMs),
      EMULATOR_SPEED: String(this.options.emulatorSpeed),
      EMULATOR_HANDSHAKE_DELAY_MS: String(this.options.handshakeMs),
    };
    const emulator = startService({
      name: 'emulator',
      command: process.execPath,
      args: [EMULATOR_ENTRY],
      env: emulatorEnv,
      logDir: this.workDir,
      cpus: this.options.cpus?.world,
    });
    this.track(emulator);
    this.emulatorPid = emulator.pid!;
    // Over TLS, this process does not trust the certificate (it was started before): an accepted connect suffices.
    const readyUrl = tls ? undefined : `http://127.0.0.1:${this.emulatorPort}/health/ready`;
    await waitReady('emulator', this.emulatorPort, readyUrl, emulator);
    if (!withNginx) return;
    this.nginxPort = await freePort();
    const nginx = startNginx(
      this.nginxBin,
      join(this.workDir, 'nginx'),
      this.nginxPort,
      this.emulatorPort,
      this.options.cpus?.proxy,
      tls ? BENCH_TLS.cert : undefined,
    );
    this.track(nginx);
    this.nginxMasterPid = nginx.pid!;
    await waitReady('nginx', this.nginxPort, undefined, nginx);
  }

  private get upstreamScheme(): 'ws' | 'wss' {
    return this.options.upstreamTls ? 'wss' : 'ws';
  }

  /** The one nginx worker (a child of the master we started): the process that forwards the bytes. */
  nginxWorkerPid(): number | undefined {
    const children = readFileSync(`/proc/${this.nginxMasterPid}/task/${this.nginxMasterPid}/children`, 'utf8');
    const first = children.trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  }

  /**
   * A gateway process on the emulator; `cpuProfileDir` runs it under `node --cpu-prof`; `extraEnv` wins;
   * `entry`: another build's `dist/apps/gateway/src/main.js` (default: this checkout's); `node`: the Node.js
   * executable that runs it (default: the bench's own).
   */
  async startGateway(
    name: string,
    cpuProfileDir?: string,
    extraEnv: NodeJS.ProcessEnv = {},
    entry = GATEWAY_ENTRY,
    node = process.execPath,
  ): Promise<GatewayProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      GATEWAY_PORT: String(port),
      DEEPGRAM_URL: `${this.upstreamScheme}://127.0.0.1:${this.emulatorPort}${EMULATOR_SPEAK_PATH}`,
      AUTH_DISABLED: 'true',
      REDIS_URL: this.options.redisUrl,
      BULLMQ_PREFIX: this.bullPrefix,
      MAX_SESSIONS_PER_COMPANY: '1000000',
      LOG_LEVEL: this.options.gatewayLogLevel,
      ...(this.options.gatewayNodeOptions ? { NODE_OPTIONS: this.options.gatewayNodeOptions } : {}),
      DRAIN_TIMEOUT_MS: '2000',
      ...extraEnv,
    };
    delete env.DEEPGRAM_API_KEY;
    // The options production starts it with (package.json's start:gateway), first: options under test
    // (--gateway-node-options, a `+` of --simultaneous) come later in NODE_OPTIONS and win.
    env.NODE_OPTIONS = [...GATEWAY_NODE_FLAGS, env.NODE_OPTIONS ?? ''].join(' ').trim();
    const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
    const child = startService({
      name,
      command: node,
      args: [...profile, entry],
      env,
      logDir: this.workDir,
      cpus: this.options.cpus?.proxy,
    });
    this.track(child);
    await waitReady(name, port, `http://127.0.0.1:${port}/health/ready`, child);
    return { child, port };
  }

  /** A plain Node.js TCP pipe to the emulator (`node-pipe.ts`): the floor of any Node.js relay. */
  async startNodePipe(): Promise<GatewayProcess> {
    const port = await freePort();
    const child = startService({
      name: 'node-pipe',
      command: process.execPath,
      args: [NODE_PIPE_ENTRY, String(port), String(this.emulatorPort)],
      logDir: this.workDir,
      cpus: this.options.cpus?.proxy,
    });
    this.track(child);
    await waitReady('node-pipe', port, undefined, child);
    return { child, port };
  }

  /**
   * Session URL template (`{i}`: session index) of a path; the gateway path needs the gateway's port,
   * and `proxyPort` replaces nginx's on the nginx path (any byte-forwarding proxy of the emulator).
   */
  urlTemplate(kind: PathKind, run: string, gatewayPort = 0, emulatorQuery = '', proxyPort = this.nginxPort): string {
    const upstreamQuery = `model=${CLIENT_CONFIG.model}&encoding=${CLIENT_CONFIG.encoding}&sample_rate=${CLIENT_CONFIG.sample_rate}${emulatorQuery}`;
    if (kind === 'direct')
      return `${this.upstreamScheme}://127.0.0.1:${this.emulatorPort}${EMULATOR_SPEAK_PATH}?${upstreamQuery}`;
    if (kind === 'nginx') return `ws://127.0.0.1:${proxyPort}${EMULATOR_SPEAK_PATH}?${upstreamQuery}`;
    const query = `company_id=${this.companyId}&user_id=bench-user-{i}&session_id=${run}-{i}&language=${CLIENT_CONFIG.language}`;
    return `ws://127.0.0.1:${gatewayPort}${TTS_STREAM_PATH}?${query}`;
  }

  async stopGateway(gateway: GatewayProcess): Promise<void> {
    await stopService(gateway.child);
  }

  /** Stops every process and removes every Redis key the run created (balance, leases, usage queue). */
  async stop(): Promise<void> {
    // Settled, not all: a process that already died must not keep the run's keys from being removed.
    await Promise.allSettled(this.children.map((c) => stopService(c)));
    // Balance and leases live in the run's namespace too.
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${this.bullPrefix}:*`, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    for (let i = 0; i < keys.length; i += 500) await this.redis.del(...keys.slice(i, i + 500));
    this.redis.disconnect();
  }

  private track(child: ChildProcess): void {
    this.children.push(child);
  }
}
