import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { ConfigError, EmulatorEnv, loadConfig } from '@tts/config';
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
    httpsOptions: tlsFiles(env),
  });
  app.useLogger(app.get(Logger));
  await app.listen(env.EMULATOR_PORT, env.EMULATOR_HOST);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, speak: app.get(SpeakService), close: () => app.close() };
}

/** The certificate and key of EMULATOR_TLS_*_FILE, read at boot (a file that cannot be read stops the boot, named). */
function tlsFiles(env: EmulatorEnv): { cert: Buffer; key: Buffer } | undefined {
  if (!env.EMULATOR_TLS_CERT_FILE || !env.EMULATOR_TLS_KEY_FILE) return undefined;
  const read = (name: 'EMULATOR_TLS_CERT_FILE' | 'EMULATOR_TLS_KEY_FILE'): Buffer => {
    try {
      return readFileSync(env[name]!);
    } catch (error) {
      throw new ConfigError([`${name}: cannot read the file (${(error as NodeJS.ErrnoException).code})`]);
    }
  };
  return { cert: read('EMULATOR_TLS_CERT_FILE'), key: read('EMULATOR_TLS_KEY_FILE') };
}
