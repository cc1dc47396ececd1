import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Credits added (or, negative, removed) by the billing team; `reference` is the caller's idempotency key. */
@Entity({ name: 'credit_top_ups' })
@Index('credit_top_ups_company_idx', ['companyId', 'createdAt'])
export class CreditTopUpEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Index('credit_top_ups_reference_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  reference: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId: string;

  @Column({ type: 'numeric', precision: 38, scale: 18 })
  amount: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
