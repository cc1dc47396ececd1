/** dist/client/tts-client.js */
export const CLIENT_BUNDLE_PATH: string;
/** Builds the browser ESM bundle (SDK + worklet player + protocol contract) and returns its path. */
export function buildClientBundle(): string;
