/**
 * Child-process entry: N concurrent simulated users on one path. Runs in its own process so its
 * event loop never competes with the gateway's; reports pooled summaries to the parent over IPC.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BenchSession, PathKind, SessionPacing } from './bench-session';
import { emptyObservations } from './playout-model';
import { ScriptShape, sessionScript } from './session-script';
import { Summary, summarize } from './stats';

export interface LoadSpec {
  kind: PathKind;
  /**
   * Session URLs with `{i}` standing for the session index: session i takes the (i mod n)th, so several
   * gateway processes share the sessions the way replicas behind one Service do.
   */
  urlTemplates: string[];
  sessions: number;
  script: ScriptShape;
  pacing: SessionPacing;
  /** Session starts spread evenly over this window, so flushes are not synchronized. */
  staggerMs: number;
  connectConcurrency: number;
  connectTimeoutMs: number;
  /** Each session connects only at its start time and speaks its first utterance at once (cold start). */
  cold?: boolean;
  /** Every session says this one text in one Speak, then Flush (a burst of equal utterances). */
  fixedText?: string;
}

export interface LoadResult {
  kind: PathKind;
  sessions: number;
  connected: number;
  errors: Record<string, number>;
  ttfaMs: Summary;
  /** TTFA of each session's first flush (with `cold`, it includes opening the path). */
  firstTtfaMs: Summary;
  /** TTFA of every later flush: the warm figure. */
  laterTtfaMs: Summary;
  chunkLatenessMs: Summary;
  underruns: number;
  underrunGapMs: Summary;
  audioBytes: number;
  audioFrames: number;
  flushes: number;
  /** The load generator's own event-loop delay: if high, its timings are not to be trusted. */
  generatorLagP99Ms: number;
  wallMs: number;
}

export type LoadMessage = { event: 'connected' } | { event: 'done'; result: LoadResult };

async function connectAll(spec: LoadSpec, sessions: BenchSession[]): Promise<boolean[]> {
  const ok = new Array<boolean>(sessions.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sessions.length) {
      const i = next++;
      ok[i] = await sessions[i].connect(spec.connectTimeoutMs).then(
        () => true,
        () => false,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(spec.connectConcurrency, sessions.length) }, worker));
  return ok;
}

export async function runLoad(spec: LoadSpec, onConnected: () => void): Promise<LoadResult> {
  const started = performance.now();
  const lag = monitorEventLoopDelay({ resolution: 1 });
  const out = emptyObservations();
  const errors = new Map<string, number>();
  const sessions = Array.from(
    { length: spec.sessions },
    (_, i) =>
      new BenchSession(
        spec.kind,
        spec.urlTemplates[i % spec.urlTemplates.length].replaceAll('{i}', String(i)),
        spec.fixedText ? [[spec.fixedText]] : sessionScript(i, spec.script),
        spec.pacing,
        out,
        errors,
      ),
  );
  // Cold sessions connect at their own start time, inside the measured window.
  const connected = spec.cold ? sessions.map(() => true) : await connectAll(spec, sessions);
  onConnected();
  lag.enable();
  const coldTimeout = spec.cold ? spec.connectTimeoutMs : undefined;
  await Promise.all(
    sessions.map((s, i) =>
      connected[i] ? s.run((i / spec.sessions) * spec.staggerMs, coldTimeout) : Promise.resolve(),
    ),
  );
  lag.disable();

  return {
    kind: spec.kind,
    sessions: spec.sessions,
    connected: spec.cold ? sessions.filter((s) => s.opened).length : connected.filter(Boolean).length,
    errors: Object.fromEntries(errors),
    ttfaMs: summarize(out.ttfaMs),
    firstTtfaMs: summarize(out.firstTtfaMs),
    laterTtfaMs: summarize(out.laterTtfaMs),
    chunkLatenessMs: summarize(out.chunkLatenessMs),
    underruns: out.underrunGapMs.length,
    underrunGapMs: summarize(out.underrunGapMs),
    audioBytes: out.audioBytes,
    audioFrames: out.audioFrames,
    flushes: out.flushes,
    generatorLagP99Ms: lag.percentile(99) / 1e6,
    wallMs: performance.now() - started,
  };
}

if (require.main === module && process.send) {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const send = (msg: LoadMessage): boolean => process.send!(msg);
  runLoad(spec, () => send({ event: 'connected' }))
    .then((result) => process.send!({ event: 'done', result } satisfies LoadMessage, () => process.exit(0)))
    .catch((err: Error) => {
      console.error(`load generator failed: ${err.message}`);
      process.exit(1);
    });
}
