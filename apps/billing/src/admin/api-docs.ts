import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BillingEnv } from '@tts/config';
import { adminBrowserAuth } from './admin-browser-auth.middleware';

const DOCS_ROUTE = 'docs';
/** Behind the same Basic login as the UI: hands the logged-in page the Bearer token the JSON API wants. */
const DOCS_TOKEN_ROUTE = `/${DOCS_ROUTE}/bearer-token`;

interface TokenResponse {
  setHeader(name: string, value: string): void;
  json(body: unknown): void;
}

/**
 * Runs in the Swagger UI page (serialized by @nestjs/swagger, so it names the route literally): once the
 * UI is up, pre-authorize the Bearer scheme with the token the user just logged in with, so "Try it out"
 * works without pasting it into Authorize.
 */
function preauthorizeBearer(): void {
  fetch('/docs/bearer-token', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : undefined))
    .then((body?: { token: string }) => {
      const ui = (window as unknown as { ui?: { preauthorizeApiKey(scheme: string, value: string): void } }).ui;
      if (body && ui) ui.preauthorizeApiKey('bearer', body.token);
    })
    .catch(() => undefined);
}
declare const window: unknown;

/** OpenAPI UI and documents, behind the admin token like every other admin route (Basic prompt for browsers). */
export function mountApiDocs(app: INestApplication, env: BillingEnv): void {
  // Registered before Swagger's own routes so it runs first: /docs, /docs/*, /docs-json, /docs-yaml.
  app.use([`/${DOCS_ROUTE}`, `/${DOCS_ROUTE}-json`, `/${DOCS_ROUTE}-yaml`], adminBrowserAuth(env));
  app.getHttpAdapter().get(DOCS_TOKEN_ROUTE, (_req: unknown, res: TokenResponse) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ token: env.BILLING_ADMIN_TOKEN });
  });
  const docs = new DocumentBuilder()
    .setTitle('Billing admin API')
    .setDescription(
      'Companies, credit top-ups, usage reports and exports, low-balance alerts. Every call needs ' +
        '`Authorization: Bearer <BILLING_ADMIN_TOKEN>`; this page is already authorized with the token you logged in with.',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'BILLING_ADMIN_TOKEN' }, 'bearer')
    .build();
  SwaggerModule.setup(DOCS_ROUTE, app, () => SwaggerModule.createDocument(app, docs), {
    swaggerOptions: { onComplete: preauthorizeBearer },
  });
}
