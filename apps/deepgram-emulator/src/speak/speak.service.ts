import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Logger } from 'pino';
import { EmulatorEnv } from '@tts/config';
import { speakServerSettings } from '../emulator';
import { SpeakServer } from './speak-server';

export const EMULATOR_ENV = Symbol('EMULATOR_ENV');
export const EMULATOR_LOGGER = Symbol('EMULATOR_LOGGER');

/** Puts Deepgram's /v1/speak websocket on the Nest app's own HTTP server, and ends its sockets on SIGTERM. */
@Injectable()
export class SpeakService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly server: SpeakServer;
  draining = false;

  constructor(
    @Inject(EMULATOR_ENV) env: EmulatorEnv,
    @Inject(EMULATOR_LOGGER) logger: Logger,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const settings = speakServerSettings({
      apiKey: env.EMULATOR_API_KEY,
      ttfbMs: env.EMULATOR_TTFB_MS,
      speed: env.EMULATOR_SPEED,
      handshakeDelayMs: env.EMULATOR_HANDSHAKE_DELAY_MS,
      maxConnections: env.EMULATOR_MAX_CONNECTIONS,
      // A process runs indefinitely: no per-connection records (they would keep keys and text forever).
      recordConnections: false,
    });
    this.server = new SpeakServer(settings, logger);
  }

  onApplicationBootstrap(): void {
    this.server.attach(this.adapterHost.httpAdapter.getHttpServer());
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    await this.server.close();
  }
}
