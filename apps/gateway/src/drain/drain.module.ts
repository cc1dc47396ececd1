import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { GatewayEnv } from '@tts/config';
import { SessionHooks } from '../session/session-hooks.service';
import { DrainAdmission } from './drain.admission';
import { DrainSettings } from './drain-settings';
import { DrainStateModule } from './drain-state';
import { GatewayDrain } from './gateway-drain.service';

/**
 * Graceful drain on SIGTERM; needs app.enableShutdownHooks(..., { useProcessExit: true }) in main.ts.
 * Import it LAST in AppModule: Nest runs shutdown hooks of same-depth modules in reverse import order,
 * so the drain then runs before any other feature's shutdown hook.
 */
@Module({})
export class DrainModule implements OnModuleInit {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly admission: DrainAdmission,
  ) {}

  static register(env: Pick<GatewayEnv, 'DRAIN_TIMEOUT_MS'>): DynamicModule {
    return {
      module: DrainModule,
      imports: [DrainStateModule],
      providers: [{ provide: DrainSettings, useValue: DrainSettings.fromEnv(env) }, DrainAdmission, GatewayDrain],
    };
  }

  onModuleInit(): void {
    this.hooks.addAdmission(this.admission);
  }
}
