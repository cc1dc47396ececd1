import { DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from '@tts/config';
import { DemoFiles } from './demo-assets';
import { DemoController } from './demo.controller';
import { DemoSettings } from './demo-settings';

/** The playground at `/` (DEMO_PAGE=true) with its files under /demo/; the SDK bundle it loads is served by ClientBundleModule. */
@Module({})
export class DemoModule {
  static register(
    env: Pick<GatewayEnv, 'DEMO_PAGE' | 'DEEPGRAM_URL' | 'DEEPGRAM_API_KEY' | 'CREDITS_PER_MINUTE'>,
  ): DynamicModule {
    return {
      module: DemoModule,
      controllers: [DemoController],
      providers: [
        { provide: DemoSettings, useValue: DemoSettings.fromEnv(env) },
        // Read before the gateway listens: requests are served from memory.
        {
          provide: DemoFiles,
          useFactory: (settings: DemoSettings) => DemoFiles.load(settings),
          inject: [DemoSettings],
        },
      ],
    };
  }
}
