import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BillingEnv } from '@tts/config';
import { adminBrowserAuth } from './admin-browser-auth.middleware';

const DOCS_ROUTE = 'docs';

/** OpenAPI UI and documents, behind the admin token like every other admin route (Basic prompt for browsers). */
export function mountApiDocs(app: INestApplication, env: BillingEnv): void {
  // Registered before Swagger's own routes so it runs first: /docs, /docs/*, /docs-json, /docs-yaml.
  app.use([`/${DOCS_ROUTE}`, `/${DOCS_ROUTE}-json`, `/${DOCS_ROUTE}-yaml`], adminBrowserAuth(env));
  const docs = new DocumentBuilder()
    .setTitle('Billing admin API')
    .setDescription('Companies, credit top-ups and usage. Bearer BILLING_ADMIN_TOKEN.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(DOCS_ROUTE, app, () => SwaggerModule.createDocument(app, docs));
}
