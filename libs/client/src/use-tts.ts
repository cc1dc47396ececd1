import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorCode } from '@tts/protocol';
import type { SessionConfigRequest, TtsError, TtsErrorCode } from './client-events';
import { BackoffOptions } from './reconnect-backoff';
import { hookSessionConfig } from './session-format';
import { TtsClient } from './tts-client';
import { WebSocketConstructor } from './websocket-like';
import { TtsPlayer, TtsPlayerOptions } from './tts-player';

export interface UseTtsOptions {
  /** Gateway URL; defaults to the page's own host. */
  url?: string;
  companyId: string;
  userId: string;
  sessionId: string;
  lang?: string;
  token?: string;
  /** Voice; defaults to the language's default voice. */
  model?: string;
  /** Defaults to raw linear16 at 24 kHz, the best fit for the worklet player. */
  encoding?: SessionConfigRequest['encoding'];
  /** Default: 24000 for linear16; 16000 (the gateway's default) for mulaw and alaw, which take 8000 or 16000 only. */
  sampleRate?: number;
  /** Speaking rate 0.7-1.5 on English and Spanish Aura-2 voices; default: Deepgram's (1). */
  speed?: number;
  reconnect?: Partial<BackoffOptions> | false;
  player?: Omit<TtsPlayerOptions, 'context'>;
  WebSocket?: WebSocketConstructor;
}

export interface UseTtsResult {
  speak(text: string): void;
  flush(): void;
  /**
   * Barge-in: silence now, drop what the gateway still had queued. Works after `close()` too (the rest of the
   * speech is then dropped as it arrives).
   */
  clear(): void;
  close(): void;
  /** `speak()` goes straight out: a session is open, or idled out (4408) and reopens on the next `speak()`. */
  connected: boolean;
  /** An utterance is being played right now. */
  speaking: boolean;
  /**
   * The last error. A transient one (rate_limited, a failed reconnect attempt, ...) clears once the session
   * works again (open again, or the next Flushed); one that ended the session for good (4400-4403, 4429) stays.
   */
  error: TtsError | null;
  /** For tests and diagnostics; null until the session is set up. */
  client: TtsClient | null;
  player: TtsPlayer | null;
}

/**
 * Errors that end the session for good (no reconnect follows): `error` keeps them. Any other error (a
 * rate_limited notice, a failed reconnect attempt, a dropped upstream) is cleared once the session works
 * again: the next open, or the next Flushed.
 */
const FINAL_ERRORS: ReadonlySet<TtsErrorCode> = new Set<TtsErrorCode>([
  ErrorCode.InvalidRequest,
  ErrorCode.Unauthorized,
  ErrorCode.InsufficientCredits,
  ErrorCode.Forbidden,
  ErrorCode.TooManySessions,
]);

const keptAfterRecovery = (current: TtsError | null): TtsError | null =>
  current && FINAL_ERRORS.has(current.code) ? current : null;

/**
 * One TTS session per mounted component (the guide's `useDeepgramTTS`, with a glitch-free worklet player,
 * barge-in and reconnects). The session is re-opened when the connection parameters change.
 */
export function useTts(options: UseTtsOptions): UseTtsResult {
  const { url, companyId, userId, sessionId, lang, token, model, encoding, sampleRate, speed } = options;
  const [connected, setConnected] = useState(false);
  const [speaking, setSpeaking] = useState(false);
  const [error, setError] = useState<TtsError | null>(null);
  const [session, setSession] = useState<{ client: TtsClient; player: TtsPlayer } | null>(null);
  // Callbacks and rarely-changing objects are read through a ref so they do not re-open the session.
  const latest = useRef(options);
  latest.current = options;

  useEffect(() => {
    const { reconnect, player: playerOptions, WebSocket } = latest.current;
    const config = hookSessionConfig({ encoding, sampleRate, model, lang, speed });
    const client = new TtsClient({
      url,
      companyId,
      userId,
      sessionId,
      language: lang,
      token,
      config,
      reconnect,
      WebSocket,
    });
    const player = new TtsPlayer(playerOptions);
    const detach = player.attach(client);
    const offs = [
      // `idle` only follows connect() after an idle timeout: not a failure, speaking simply reopens.
      client.on('state', (state) => {
        setConnected(state === 'open' || state === 'idle');
        if (state === 'open') setError(keptAfterRecovery);
      }),
      client.on('flushed', () => setError(keptAfterRecovery)),
      client.on('error', (e) => e.code !== ErrorCode.IdleTimeout && setError(e)),
      player.on('utterancestart', () => setSpeaking(true)),
      player.on('utteranceend', () => setSpeaking(false)),
      player.on('cleared', () => setSpeaking(false)),
    ];
    setError(null);
    setSession({ client, player });
    // Never throws (a bad `url` rejects it): failures arrive as `error` events, and `error` shows them.
    client.connect().catch(() => undefined);
    return () => {
      offs.forEach((off) => off());
      detach();
      client.disconnect();
      void player.close();
      setSession(null);
      setConnected(false);
      setSpeaking(false);
    };
  }, [url, companyId, userId, sessionId, lang, token, model, encoding, sampleRate, speed]);

  const client = session?.client ?? null;
  // Like the guide's hook, calls on a closed session are ignored rather than thrown at a click handler.
  const whenLive = useCallback(
    (act: (live: TtsClient) => void) => {
      if (client && client.state !== 'closed' && client.state !== 'closing') act(client);
    },
    [client],
  );
  const speak = useCallback((text: string) => whenLive((live) => live.speak(text)), [whenLive]);
  const flush = useCallback(() => whenLive((live) => live.flush()), [whenLive]);
  // Stop must work in every state: after close() the gateway still delivers the queued speech.
  const clear = useCallback(() => client?.clear(), [client]);
  const close = useCallback(() => whenLive((live) => void live.close()), [whenLive]);
  return { speak, flush, clear, close, connected, speaking, error, client, player: session?.player ?? null };
}
