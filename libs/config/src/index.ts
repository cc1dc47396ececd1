export * from './load-config';
export * from './transforms';
export * from './shared-env';
export * from './gateway-env';
export * from './billing-env';
export * from './emulator-env';
export * from './redis-options';
export * from './redis-connections';
