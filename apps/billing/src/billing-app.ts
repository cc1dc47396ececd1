import { INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { BillingEnv, PagePolicy, securityHeaders } from '@tts/config';
import { mountApiDocs } from './admin/api-docs';
import { mountBullBoard } from './admin/bull-board';
import { RequestBodyErrorsFilter } from './admin/request-body-errors.filter';
import { AppModule } from './app.module';

/**
 * Swagger UI and Bull Board style their elements inline; Bull Board also sets a <base href> and asks
 * for Google Fonts (optional: it renders without them).
 */
const ADMIN_UI_POLICIES: PagePolicy[] = [
  { path: '/docs*', csp: { 'style-src': ["'unsafe-inline'"] } },
  {
    path: '/admin/queues*',
    csp: {
      'base-uri': ["'self'"],
      'style-src': ["'unsafe-inline'", 'https://fonts.googleapis.com'],
      'font-src': ['https://fonts.gstatic.com'],
    },
  },
];

/** Builds the billing app (HTTP admin API + usage worker + balance request-reply over Redis); the caller listens. */
export async function createBillingApp(env: BillingEnv): Promise<INestApplication> {
  // abortOnError false: a failed start (Postgres unreachable after TypeORM's retries) rejects to the caller,
  // which logs one JSON line, instead of Nest printing its own trace and exiting under it.
  const app = await NestFactory.create(AppModule.forRoot(env), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  if (!env.BILLING_ADMIN_TOKEN) {
    app.get(Logger).warn('BILLING_ADMIN_TOKEN is not set: every admin API request will be refused (503)');
  }
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new RequestBodyErrorsFilter(app.get(HttpAdapterHost).httpAdapter));
  app.enableShutdownHooks();
  app.use(securityHeaders(ADMIN_UI_POLICIES));
  mountBullBoard(app, env);
  mountApiDocs(app, env);
  return app;
}
