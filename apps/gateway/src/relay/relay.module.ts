import { DynamicModule, Module } from '@nestjs/common';
import { UpstreamPoolModule } from '../upstream/upstream-pool.module';
import { UpstreamPoolSettings } from '../upstream/upstream-pool-settings';
import { RelayGateway } from './relay.gateway';
import { RelaySettings } from './relay-settings';

/** The Deepgram relay: client WebSocket endpoint, upstream connections, audio framing. */
@Module({})
export class RelayModule {
  static register(settings: RelaySettings, pool: UpstreamPoolSettings): DynamicModule {
    return {
      module: RelayModule,
      imports: [UpstreamPoolModule.register(pool, settings.upstream)],
      providers: [{ provide: RelaySettings, useValue: settings }, RelayGateway],
      exports: [RelayGateway, RelaySettings],
    };
  }
}
