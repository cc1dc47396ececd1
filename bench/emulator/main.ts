/**
 * The Deepgram emulator alone under load: N sessions connect, then all flush one ~240-character
 * answer within one second (a burst), and read the paced audio to the end. Reports the emulator
 * process's CPU per session and per audio second, and first audio after Flush (TTFA) in the burst.
 *
 *   npm run build && node dist/bench/emulator/main.js --sessions=300 [--ttfb=20] [--chars=240] [--cpu-prof]
 *
 * --cpu-prof profiles the emulator process and prints where its time went.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { ProcSampler } from '../relay/proc-sampler';
import { profileTable } from '../relay/profile-summary';
import { freePort, startService, stopService, waitReady } from '../relay/service-process';
import { fmtMs, summarize } from '../relay/stats';

const arg = (name: string, fallback: number): number => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.split('=')[1]) : fallback;
};

const SESSIONS = arg('sessions', 300);
const TTFB_MS = arg('ttfb', 20);
const CHARS = arg('chars', 240);
const PROFILE = process.argv.includes('--cpu-prof');
const BURST_MS = 1000;
const SENTENCE = 'The gateway streams this answer to a listener in real time. ';
const TEXT = SENTENCE.repeat(Math.ceil(CHARS / SENTENCE.length)).slice(0, CHARS);
/** linear16 at 24000 Hz: 48,000 bytes per audio second. */
const BYTES_PER_SECOND = 48_000;

interface SessionResult {
  ttfaMs: number;
  audioBytes: number;
}

function openSession(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers: { Authorization: 'Token bench' }, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve(ws)); // Metadata
    ws.once('error', reject);
  });
}

/** Flushes the answer after `delayMs` and resolves at its Flushed. */
function speak(ws: WebSocket, delayMs: number): Promise<SessionResult> {
  return new Promise((resolve, reject) => {
    let flushedAt = 0;
    let ttfaMs = NaN;
    let audioBytes = 0;
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        if (audioBytes === 0) ttfaMs = performance.now() - flushedAt;
        audioBytes += data.length;
      } else if (data.toString().includes('"Flushed"')) {
        ws.close();
        resolve({ ttfaMs, audioBytes });
      }
    });
    ws.once('close', () => reject(new Error('closed before Flushed')));
    setTimeout(() => {
      ws.send(JSON.stringify({ type: 'Speak', text: TEXT }));
      ws.send('{"type":"Flush"}');
      flushedAt = performance.now();
    }, delayMs);
  });
}

async function main(): Promise<void> {
  const port = await freePort();
  const logDir = mkdtempSync(join(tmpdir(), 'emulator-bench-'));
  const emulator = startService({
    name: 'emulator',
    command: process.execPath,
    args: [
      ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`] : []),
      join(__dirname, '../relay/emulator-process.js'),
    ],
    env: { ...process.env, EMULATOR_PORT: String(port), EMULATOR_TTFB_MS: String(TTFB_MS), EMULATOR_SPEED: '1' },
    logDir,
  });
  try {
    await waitReady('emulator', port);
    const url = `ws://127.0.0.1:${port}/v1/speak`;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < SESSIONS; i += 50) {
      const batch = Math.min(50, SESSIONS - i);
      sockets.push(...(await Promise.all(Array.from({ length: batch }, () => openSession(url)))));
    }
    const sampler = new ProcSampler(emulator.pid!);
    // The load generator's own lag is part of every TTFA it measures: reported so it can be told apart.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    sampler.start();
    const results = await Promise.all(sockets.map((ws, i) => speak(ws, (i * BURST_MS) / SESSIONS)));
    const usage = sampler.stop();
    loop.disable();
    const wallS = (performance.now() - started) / 1000;
    const cpuS = (usage.cpuPercent / 100) * wallS;
    const audioS = results.reduce((sum, r) => sum + r.audioBytes, 0) / BYTES_PER_SECOND;
    const ttfa = summarize(results.map((r) => r.ttfaMs));
    console.log(
      [
        `sessions ${SESSIONS}, ${CHARS} characters each, flushed within ${BURST_MS} ms, TTFB ${TTFB_MS} ms`,
        `emulator CPU ${cpuS.toFixed(2)} s over ${wallS.toFixed(1)} s (${usage.cpuPercent.toFixed(0)} % of a core)`,
        `CPU per session ${((cpuS / SESSIONS) * 1000).toFixed(2)} ms; per audio second ${((cpuS / audioS) * 1000).toFixed(3)} ms`,
        `TTFA after Flush p50 ${fmtMs(ttfa.p50)} / p99 ${fmtMs(ttfa.p99)} / max ${fmtMs(ttfa.max)} ms`,
        `emulator RSS max ${(usage.rssMaxKb / 1024).toFixed(0)} MB`,
        `load generator event-loop delay p99 ${fmtMs(loop.percentile(99) / 1e6)} / max ${fmtMs(loop.max / 1e6)} ms`,
      ].join('\n'),
    );
  } finally {
    await stopService(emulator);
  }
  const profile = readdirSync(logDir).find((name) => name.endsWith('.cpuprofile'));
  if (profile) console.log(profileTable(join(logDir, profile)));
}

main().catch((err: Error) => {
  console.error(`emulator bench failed: ${err.message}`);
  process.exit(1);
});
