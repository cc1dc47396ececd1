import 'reflect-metadata';
import { DataSourceOptions } from 'typeorm';
import { CompanyEntity } from '../companies/company.entity';
import { CreateBillingTables1764070000000 } from './migrations/1764070000000-create-billing-tables';
import { LowBalanceAlerts1764500000000 } from './migrations/1764500000000-low-balance-alerts';
import { LedgerConstraints1764600000000 } from './migrations/1764600000000-ledger-constraints';
import { LowBalanceEventTimes1764700000000 } from './migrations/1764700000000-low-balance-event-times';

/** Only what is read through TypeORM's repository API; the ledger tables are written and read in SQL. */
export const BILLING_ENTITIES = [CompanyEntity];
export const BILLING_MIGRATIONS = [
  CreateBillingTables1764070000000,
  LowBalanceAlerts1764500000000,
  LedgerConstraints1764600000000,
  LowBalanceEventTimes1764700000000,
];

/** The one TypeORM configuration, used by the app, the migration runner, reconcile and the tests. */
export function billingDataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: BILLING_ENTITIES,
    migrations: BILLING_MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: 20 },
  };
}
