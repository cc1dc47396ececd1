import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'net';
import { Logger } from 'nestjs-pino';
import { GatewayEnv, PagePolicy, loadConfig, securityHeaders, upstreamKeyWarnings } from '@tts/config';
import { AppModule } from './app.module';
import { ROOT_LOGGER, RootLogger } from './logging/logging.module';
import { RelayWsAdapter } from './relay/relay-ws.adapter';

/**
 * The demo page (GET /, apps/gateway/src/demo) loads its scripts and styles from files of its own, and the
 * SDK's player loads its AudioWorklet from a blob: URL: that is all it needs beyond the strict policy
 * every other response gets (test/browser/demo-page-csp.e2e-spec.ts holds the page to it).
 */
export const DEMO_PAGE_POLICY: PagePolicy = {
  path: '/',
  csp: { 'script-src': ['blob:'] },
};

export interface RunningGateway {
  app: INestApplication;
  env: GatewayEnv;
  port: number;
  close(): Promise<void>;
}

/**
 * Boots the gateway on GATEWAY_PORT (0: any free port). `envOverrides` win over process.env, so tests
 * boot the real app in-process. Throws a ConfigError for a bad environment.
 */
export async function createGateway(envOverrides: NodeJS.ProcessEnv = {}): Promise<RunningGateway> {
  const env = loadConfig(GatewayEnv, { ...process.env, ...envOverrides });
  // No route reads a request body: without a body parser, junk or oversized bodies are never parsed,
  // so they cannot raise parser errors (which Nest would log as errors) on any route.
  const app = await NestFactory.create(AppModule.forRoot(env), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const log = app.get<RootLogger>(ROOT_LOGGER);
  for (const warning of upstreamKeyWarnings(env)) log.warn(warning);
  app.use(securityHeaders([DEMO_PAGE_POLICY]));
  app.useWebSocketAdapter(new RelayWsAdapter(app, env.CLIENT_MAX_FRAME_BYTES, log));
  await app.listen(env.GATEWAY_PORT);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, env, port, close: () => app.close() };
}
