import { SessionConfig } from '@tts/protocol';
import {
  SessionAdmission,
  SessionControl,
  SessionInfo,
  SessionObserver,
  SessionRelease,
  SessionTap,
} from '../session/session-hooks';

/** Runs the admissions in order; on a refusal, releases what earlier ones granted and rethrows. */
export async function runAdmissions(
  admissions: readonly SessionAdmission[],
  info: SessionInfo,
): Promise<SessionRelease[]> {
  const releases: SessionRelease[] = [];
  try {
    for (const admission of admissions) {
      const release = await admission.admit(info);
      if (release) releases.push(release);
    }
    return releases;
  } catch (error) {
    await releaseAll(releases);
    throw error;
  }
}

/** Calls every release callback (each once), never throwing. */
export async function releaseAll(releases: SessionRelease[]): Promise<void> {
  await Promise.allSettled(releases.splice(0).map(async (release) => release()));
}

/** One tap that forwards to every observer's tap; `end` settles once all of them have. */
export function startTaps(
  observers: readonly SessionObserver[],
  info: SessionInfo,
  config: SessionConfig,
  control: SessionControl,
): SessionTap {
  const taps = observers.map((observer) => observer.onSessionStart(info, config, control));
  if (taps.length === 1) return taps[0];
  return {
    audioDelivered: (bytes) => taps.forEach((tap) => tap.audioDelivered(bytes)),
    textSent: (characters) => taps.forEach((tap) => tap.textSent(characters)),
    flushLatency: (ms) => taps.forEach((tap) => tap.flushLatency?.(ms)),
    textHeld: (delta) => taps.forEach((tap) => tap.textHeld?.(delta)),
    textHeldFor: (ms) => taps.forEach((tap) => tap.textHeldFor?.(ms)),
    upstreamError: (failure) => taps.forEach((tap) => tap.upstreamError?.(failure)),
    end: async () => {
      await Promise.allSettled(taps.map((tap) => tap.end()));
    },
  };
}
