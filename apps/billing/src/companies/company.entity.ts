import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A customer account; its balance moves only through the ledger (usage charges and top-ups). */
@Entity({ name: 'companies' })
export class CompanyEntity {
  @PrimaryColumn({ name: 'company_id', type: 'varchar', length: 128 })
  companyId: string;

  @Column({ type: 'text', nullable: true })
  name: string | null;

  /** numeric(38,18) comes back as a string: exact, never a float. */
  @Column({ name: 'balance_credits', type: 'numeric', precision: 38, scale: 18, default: 0 })
  balanceCredits: string;

  /** Incremented with every balance change; orders the writes of the Redis balance cache. */
  @Column({ name: 'balance_version', type: 'bigint', default: 0 })
  balanceVersion: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
