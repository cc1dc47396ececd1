import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { GatewayEnv, RedisHealthIndicator, resolveUpstream } from '@tts/config';
import { DrainStateModule } from '../drain/drain-state';
import { EventLoopHealthIndicator } from './event-loop.health';
import { HealthController } from './health.controller';
import { UpstreamHealthIndicator, UpstreamTarget } from './upstream.health';
import { UPSTREAM, UpstreamKeyHealthIndicator } from './upstream-key.health';

/** GET /health/live and /health/ready (@nestjs/terminus). Readiness also reads DrainState (DrainModule). */
@Module({})
export class HealthModule {
  static register(env: Pick<GatewayEnv, 'REDIS_URL' | 'DEEPGRAM_URL' | 'DEEPGRAM_API_KEY'>): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), DrainStateModule],
      controllers: [HealthController],
      providers: [
        { provide: UPSTREAM, useValue: resolveUpstream(env) },
        { provide: UpstreamTarget, useValue: UpstreamTarget.fromUrl(resolveUpstream(env).url) },
        EventLoopHealthIndicator,
        RedisHealthIndicator,
        UpstreamHealthIndicator,
        UpstreamKeyHealthIndicator,
      ],
    };
  }
}
