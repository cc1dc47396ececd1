/**
 * `npm run bench` (relay part): side by side latency of client -> emulator directly, through nginx,
 * and through our gateway, at several session counts, then the gateway's real-time capacity and a
 * CPU profile of its hot path. Markdown on stdout, progress on stderr. Options: see bench-options.ts.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { benchOptions } from './bench-options';
import { BenchStack } from './bench-stack';
import { NginxUnavailable, ensureNginx } from './nginx-install';
import { NGINX_BIN } from './nginx-proxy';
import { profileTable } from './profile-summary';
import { addedTable, capacityTable, cpuTable, sideBySideTable, SideBySide } from './relay-report';
import { capacitySearch, profileRun, sideBySide, warmUpEmulator } from './relay-runs';
import { burstTable, churnTable, firstUtteranceTable } from './scenario-report';
import { burstRuns, churnRuns, firstUtteranceRuns } from './scenario-runs';
import { simultaneousRoundsTable, simultaneousSummaryTable } from './simultaneous-report';
import { simultaneousRuns } from './simultaneous-runs';

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** `nginx -v` prints to stderr. */
const nginxVersion = (bin: string | undefined): string =>
  bin === undefined
    ? 'no nginx'
    : spawnSync(bin, ['-v'], { encoding: 'utf8' }).stderr.trim().replace('nginx version: ', '') || 'nginx';

async function main(): Promise<void> {
  const options = benchOptions();
  const { proxies } = options.simultaneous;
  const withNginx = proxies.length === 0 || proxies.includes('nginx');
  const nginxBin = withNginx ? ensureNginx(NGINX_BIN) : undefined;
  const stack = new BenchStack(options);
  const loadBefore = load();
  const started = new Date();
  /** When, on what, and how busy the machine was: the first line of either report. */
  const machine = (): string =>
    `${started.toISOString()}, ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}, ${nginxVersion(nginxBin)}; ` +
    `load average before ${loadBefore}, after ${load()}`;
  const out: string[] = [];
  /** The run's directory (logs, nginx config, profile) is kept when it failed or wrote a profile. */
  let keepWorkDir = true;
  try {
    await stack.start(withNginx);
    await warmUpEmulator(stack, options);
    if (proxies.length) {
      const { sessions, rounds, churn } = options.simultaneous;
      const results = await simultaneousRuns(stack, options);
      const perSession = churn
        ? `one "${options.churn.text}" per session (session churn), starts spread over ${options.churn.seconds} s, ` +
          `gateway pool of ${options.poolSize}`
        : `${options.script.utterances} utterances per session`;
      console.log(
        [
          `## Proxies side by side, at the same time (${proxies.length} x ${sessions} sessions, ${rounds} rounds)`,
          '',
          `${machine()}. Emulator TTFB ${options.emulatorTtfbMs} ms${options.upstreamTls ? ', over TLS' : ''}; ` +
            `${perSession}. Each proxy relays its own sessions, all through ` +
            'the one emulator at the same time. Times in ms.',
          '',
          simultaneousSummaryTable(results),
          '',
          simultaneousRoundsTable(results),
        ].join('\n'),
      );
      if (options.outFile) writeFileSync(options.outFile, JSON.stringify({ options, simultaneous: results }, null, 2));
      keepWorkDir = false;
      return;
    }
    const rows: SideBySide[] = [];
    for (const n of options.sessions) rows.push(await sideBySide(stack, options, n));
    const first = options.firstUtterance.sessions > 0 ? await firstUtteranceRuns(stack, options) : undefined;
    const bursts = await burstRuns(stack, options);
    const churn = options.churn.sessions > 0 ? await churnRuns(stack, options) : undefined;
    const capacity = options.capacity.start > 0 ? await capacitySearch(stack, options, rows) : [];
    const profile = options.profileSessions > 0 ? await profileRun(stack, options) : undefined;

    out.push(
      `## Relay latency and capacity (${options.mode} mode)`,
      '',
      `${machine()}. Emulator TTFB ${options.emulatorTtfbMs} ms, speed ${options.emulatorSpeed}, ` +
        `handshake ${options.handshakeMs} ms${options.upstreamTls ? ', over TLS (wss://, as Deepgram)' : ''}; ` +
        `${options.script.utterances} utterances x ${options.script.chunksPerUtterance} Speaks per session, ` +
        `${options.pacing.speakGapMs} ms apart; playout preroll ${options.pacing.prerollMs} ms. ` +
        (options.gatewayProcesses > 1
          ? `Gateway: ${options.gatewayProcesses} processes sharing the sessions round-robin (their CPU and memory added up). `
          : '') +
        (options.cpus
          ? `Pinned: nginx / gateway on CPU ${options.cpus.proxy}, emulator and load generator on CPU ${options.cpus.world}. `
          : 'Not pinned to CPUs. ') +
        'Times in ms.',
    );
    if (rows.length) {
      out.push(
        '',
        '### Added delay (path minus direct, same run)',
        '',
        addedTable(rows),
        '',
        '### CPU per relayed audio second',
        '',
        cpuTable(rows),
        '',
        '### All paths',
        '',
        sideBySideTable(rows),
      );
    }
    if (first) {
      out.push(
        '',
        `### First utterance of a new session (${first.sessions} sessions, one every ${options.firstUtterance.spacingMs} ms, ` +
          `emulator handshake ${options.handshakeMs} ms)`,
        '',
        firstUtteranceTable(first),
      );
    }
    if (bursts.length)
      out.push('', '### Emulator in a burst (direct path, every session flushes within 1 s)', '', burstTable(bursts));
    if (churn)
      out.push(
        '',
        `### Session churn (${churn.sessions} sessions over ${churn.seconds} s, each: connect, "${churn.text}", Flush, Close)`,
        '',
        churnTable(churn),
      );
    if (capacity.length) {
      const passed = capacity.filter((s) => s.pass).map((s) => s.sessions);
      out.push(
        '',
        `### Capacity: added TTFA p99 <= 2x nginx's (floor ${options.noiseFloorMs} ms), ` +
          `underruns <= nginx's + ${options.underrunAllowance * 100} % of flushes`,
        '',
        capacityTable(capacity),
        '',
        `Last passing N: ${passed.length ? Math.max(...passed) : `none (from ${options.capacity.start})`}.`,
      );
    }
    if (profile) {
      out.push('', `### Gateway CPU profile (${options.profileSessions} sessions)`, '');
      const table = profile.file && profileTable(profile.file, 15, profile.phase.windowUs);
      out.push(table ? `${table}\n\nProfile (measured window only): ${profile.file}` : 'No profile was written.');
    }
    if (options.outFile)
      writeFileSync(
        options.outFile,
        JSON.stringify({ options, rows, first, bursts, churn, capacity, profile }, null, 2),
      );
    console.log(out.join('\n'));
    keepWorkDir = profile?.file !== undefined;
  } finally {
    await stack.stop();
    if (keepWorkDir) console.error(`[bench relay] logs kept in ${stack.workDir}`);
    else rmSync(stack.workDir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`[bench relay] failed: ${err instanceof NginxUnavailable ? err.message : (err.stack ?? err.message)}`);
  process.exit(1);
});
