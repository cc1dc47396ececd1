import { DataSource } from 'typeorm';
import { BillingEnv, loadConfig } from '@tts/config';
import { billingDataSourceOptions } from './data-source';

/**
 * For the TypeORM CLI only (`typeorm -d dist/apps/billing/src/database/typeorm-cli-data-source.js migration:show`).
 * In a file of its own: built on import, it would make every importer of data-source.ts read DATABASE_URL
 * before the config is validated (a malformed URL then crashed with the URL, password included, in the trace).
 */
export default new DataSource(billingDataSourceOptions(loadConfig(BillingEnv).DATABASE_URL));
