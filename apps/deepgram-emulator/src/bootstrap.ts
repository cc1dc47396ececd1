import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { EmulatorEnv, loadConfig } from '@tts/config';
import { emulatorTlsFiles } from './emulator';
import { EmulatorAppModule } from './emulator-app.module';
import { SpeakService } from './speak/speak.service';

export interface RunningEmulatorApp {
  app: INestApplication;
  port: number;
  speak: SpeakService;
  close(): Promise<void>;
}

/** Boots the emulator process on EMULATOR_PORT (0: any free port); `envOverrides` win over process.env. */
export async function createEmulatorApp(envOverrides: NodeJS.ProcessEnv = {}): Promise<RunningEmulatorApp> {
  const raw = { ...process.env, ...envOverrides };
  const env = loadConfig(EmulatorEnv, raw);
  const app = await NestFactory.create(EmulatorAppModule.forRoot(env, env.LOG_LEVEL), {
    bufferLogs: true,
    httpsOptions: emulatorTlsFiles(env),
  });
  app.useLogger(app.get(Logger));
  await app.listen(env.EMULATOR_PORT, env.EMULATOR_HOST);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, speak: app.get(SpeakService), close: () => app.close() };
}
