import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { SessionHooks } from '../session/session-hooks.service';
import { AuthAdmission } from './auth.admission';
import { AuthEnv, AuthSettings } from './auth-settings';
import { ClientAuth } from './client-auth';
import { OriginAdmission } from './origin.admission';

/**
 * Client authentication (JWT) and origin checks, run before a connection becomes a session. Global
 * because ClientAuth is also the token check of the HTTP routes that act for a client (GET /v1/balance).
 */
@Module({})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly hooks: SessionHooks,
    private readonly settings: AuthSettings,
    private readonly auth: AuthAdmission,
    private readonly origin: OriginAdmission,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(AuthModule.name);
  }

  static register(env: AuthEnv): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AuthSettings, useValue: AuthSettings.fromEnv(env) },
        ClientAuth,
        AuthAdmission,
        OriginAdmission,
      ],
      exports: [ClientAuth],
    };
  }

  onModuleInit(): void {
    if (this.settings.disabled) {
      this.logger.warn(
        'AUTH_DISABLED=true: client authentication is OFF, anyone reaching this gateway can stream on any company. Local development only.',
      );
    }
    this.hooks.addAdmission(this.auth);
    this.hooks.addAdmission(this.origin);
  }
}
