const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * Browsers (Safari/iOS above all) keep an AudioContext suspended until a user gesture: resume it, and play
 * one silent sample, from inside the first pointerdown/keydown/touchend. Returns a function that stops listening.
 */
export function unlockOnGesture(
  context: AudioContext,
  target: EventTarget | undefined = globalThis.document,
): () => void {
  if (!target || context.state === 'running') return () => undefined;
  const unlock = () => {
    const silence = context.createBufferSource();
    silence.buffer = context.createBuffer(1, 1, context.sampleRate);
    silence.connect(context.destination);
    silence.start();
    void context.resume().then(stop, () => undefined);
  };
  const stop = () => {
    for (const gesture of GESTURES) target.removeEventListener(gesture, unlock, true);
  };
  for (const gesture of GESTURES) target.addEventListener(gesture, unlock, true);
  return stop;
}
