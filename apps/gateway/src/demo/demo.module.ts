import { DynamicModule, Module } from '@nestjs/common';
import { DemoController } from './demo.controller';
import { DemoSettings } from './demo-settings';

/** The demo page at `/` (DEMO_PAGE=true); the SDK bundle it loads is served by ClientBundleModule. */
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
