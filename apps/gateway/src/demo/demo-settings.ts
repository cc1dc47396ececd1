import { GatewayEnv, resolveUpstream } from '@tts/config';

/** What the upstream is, as the page tells its user: real speech only from Deepgram itself. */
export type UpstreamKind = 'deepgram' | 'emulator' | 'custom';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Whether this gateway serves the demo page (DEMO_PAGE), and what the page shows about the deployment. */
export class DemoSettings {
  constructor(
    readonly pageEnabled: boolean,
    readonly upstream: UpstreamKind = 'emulator',
    readonly creditsPerMinute = '1',
  ) {}

  static fromEnv(
    env: Pick<GatewayEnv, 'DEMO_PAGE' | 'DEEPGRAM_URL' | 'DEEPGRAM_API_KEY' | 'CREDITS_PER_MINUTE'>,
  ): DemoSettings {
    return new DemoSettings(env.DEMO_PAGE, upstreamKind(env), env.CREDITS_PER_MINUTE);
  }
}

function upstreamKind(env: Pick<GatewayEnv, 'DEEPGRAM_URL' | 'DEEPGRAM_API_KEY'>): UpstreamKind {
  const host = new URL(resolveUpstream(env).url).hostname;
  if (host.endsWith('deepgram.com')) return 'deepgram';
  // The emulator accepts any key; a key pointed at a loopback upstream is still the local emulator.
  return !env.DEEPGRAM_API_KEY || LOOPBACK.test(host) ? 'emulator' : 'custom';
}
