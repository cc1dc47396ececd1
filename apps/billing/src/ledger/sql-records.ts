import { EntityManager } from 'typeorm';

/** Rows of any statement (TypeORM returns [rows, count] for UPDATE ... RETURNING through EntityManager.query). */
export async function records<T>(tx: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = await tx.queryRunner!.query(sql, params, true);
  return result.records as T[];
}
