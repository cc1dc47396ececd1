import { DynamicModule, Module } from '@nestjs/common';
import { DemoController } from './demo.controller';
import { DemoSettings } from './demo-settings';

/** The demo page at `/` (DEMO_PAGE=true) and the browser SDK bundle at /client/tts-client.js. */
@Module({})
export class DemoModule {
  static register(pageEnabled: boolean): DynamicModule {
    return {
      module: DemoModule,
      controllers: [DemoController],
      providers: [{ provide: DemoSettings, useValue: new DemoSettings(pageEnabled) }],
    };
  }
}
