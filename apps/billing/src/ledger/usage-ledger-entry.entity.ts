import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One applied usage event; the UNIQUE event_id is what makes at-least-once delivery bill exactly once. */
@Entity({ name: 'usage_ledger' })
@Index('usage_ledger_company_interval_idx', ['companyId', 'intervalEnd'])
@Index('usage_ledger_company_session_idx', ['companyId', 'sessionId'])
export class UsageLedgerEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Index('usage_ledger_event_id_key', { unique: true })
  @Column({ name: 'event_id', type: 'varchar', length: 300 })
  eventId: string;

  @Column({ name: 'company_id', type: 'varchar', length: 128 })
  companyId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 128 })
  userId: string;

  @Column({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId: string;

  @Column({ name: 'connection_id', type: 'varchar', length: 128 })
  connectionId: string;

  @Column({ name: 'gateway_id', type: 'varchar', length: 200 })
  gatewayId: string;

  @Column({ type: 'varchar', length: 100 })
  model: string;

  @Column({ type: 'varchar', length: 16 })
  encoding: string;

  @Column({ name: 'sample_rate', type: 'integer' })
  sampleRate: number;

  @Column({ type: 'varchar', length: 8 })
  container: string;

  @Column({ name: 'audio_bytes', type: 'bigint' })
  audioBytes: string;

  @Column({ type: 'bigint' })
  characters: string;

  @Column({ type: 'numeric', precision: 38, scale: 18 })
  seconds: string;

  @Column({ type: 'numeric', precision: 38, scale: 18 })
  credits: string;

  /** The price the charge was computed with. */
  @Column({ name: 'credits_per_minute', type: 'numeric', precision: 20, scale: 6 })
  creditsPerMinute: string;

  @Column({ name: 'interval_start', type: 'timestamptz' })
  intervalStart: Date;

  @Column({ name: 'interval_end', type: 'timestamptz' })
  intervalEnd: Date;

  @Column({ type: 'boolean' })
  final: boolean;

  @Column({ name: 'applied_at', type: 'timestamptz', default: () => 'now()' })
  appliedAt: Date;
}
