import 'reflect-metadata';
import { ClassConstructor, instanceToPlain, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class ConfigError extends Error {
  constructor(problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads, converts and validates the environment into a typed config object; throws a
 * ConfigError naming every bad variable (never its value: it may be a secret).
 */
export function loadConfig<T extends object>(schema: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(schema, present, { excludeExtraneousValues: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigError(errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`));
  }
  return config;
}

/** The environment variable names a config schema reads (its @Expose()d properties, set or not). */
export function envVarNames<T extends object>(schema: new () => T): string[] {
  return Object.keys(instanceToPlain(new schema(), { strategy: 'excludeAll', exposeUnsetFields: true }));
}
