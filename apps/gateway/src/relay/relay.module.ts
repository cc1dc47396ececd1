import { DynamicModule, Module } from '@nestjs/common';
import { RelayGateway } from './relay.gateway';
import { RelaySettings } from './relay-settings';

/** The Deepgram relay: client WebSocket endpoint, upstream connections, audio framing. */
@Module({})
export class RelayModule {
  static register(settings: RelaySettings): DynamicModule {
    return {
      module: RelayModule,
      providers: [{ provide: RelaySettings, useValue: settings }, RelayGateway],
      exports: [RelayGateway, RelaySettings],
    };
  }
}
