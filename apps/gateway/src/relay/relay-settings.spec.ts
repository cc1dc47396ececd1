import { GatewayEnv, loadConfig } from '@tts/config';
import { UPSTREAM_CHARS_PER_WINDOW, UPSTREAM_FLUSH_LIMIT } from '@tts/protocol';
import { RelaySettings, UPSTREAM_WINDOW_MARGIN_MS } from './relay-settings';

// A distinct value for every variable: a field that read another variable's value would fail.
const ENV = {
  AUTH_DISABLED: 'true',
  DEEPGRAM_URL: 'ws://127.0.0.1:9/v1/speak',
  GATEWAY_ID: 'pod-7',
  CLIENT_MAX_FRAME_BYTES: '4096',
  CLIENT_MESSAGES_PER_SECOND: '7',
  CLIENT_MESSAGE_BURST: '11',
  MAX_QUEUED_TEXT_CHARS: '3000',
  IDLE_TIMEOUT_MS: '4000',
  CLIENT_BUFFER_HIGH_BYTES: '500000',
  CLIENT_BUFFER_LOW_BYTES: '60000',
  CLIENT_SLOW_TIMEOUT_MS: '6000',
  UPSTREAM_CONNECT_TIMEOUT_MS: '700',
  UPSTREAM_MAX_AGE_MS: '800000',
  UPSTREAM_TEXT_WINDOW_MS: '9000',
  UPSTREAM_FLUSH_WINDOW_MS: '12000',
};

const settingsOf = (env: NodeJS.ProcessEnv) => RelaySettings.fromEnv(loadConfig(GatewayEnv, env));

describe(RelaySettings.name, () => {
  it('reads every field from its own variable', () => {
    expect({ ...settingsOf(ENV) }).toEqual({
      upstream: expect.objectContaining({ url: 'ws://127.0.0.1:9/v1/speak' }),
      gatewayId: 'pod-7',
      maxFrameBytes: 4096,
      messagesPerSecond: 7,
      messageBurst: 11,
      maxQueuedTextChars: 3000,
      idleTimeoutMs: 4000,
      bufferHighBytes: 500_000,
      bufferLowBytes: 60_000,
      slowClientTimeoutMs: 6000,
      upstreamConnectTimeoutMs: 700,
      upstreamMaxAgeMs: 800_000,
      pace: {
        textLimit: UPSTREAM_CHARS_PER_WINDOW,
        textWindowMs: 9000 + UPSTREAM_WINDOW_MARGIN_MS,
        flushLimit: UPSTREAM_FLUSH_LIMIT,
        flushWindowMs: 12_000 + UPSTREAM_WINDOW_MARGIN_MS,
      },
    });
  });

  it('never resumes a paused client above the high-water mark: such a low mark is refused at boot', () => {
    expect(() => settingsOf({ ...ENV, CLIENT_BUFFER_HIGH_BYTES: '20000', CLIENT_BUFFER_LOW_BYTES: '60000' })).toThrow(
      /CLIENT_BUFFER_LOW_BYTES: must be under CLIENT_BUFFER_HIGH_BYTES/,
    );
  });
});
