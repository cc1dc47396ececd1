import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toReportedNumber } from '@tts/protocol';
import { LowBalanceAlertView } from './dto/low-balance-alert.dto';

interface AlertRow {
  company_id: string;
  threshold_credits: string;
  webhook_url: string;
  above_threshold: boolean;
  updated_at: Date;
}

const view = (r: AlertRow): LowBalanceAlertView => ({
  company_id: r.company_id,
  threshold_credits: toReportedNumber(r.threshold_credits),
  webhook_url: r.webhook_url,
  armed: r.above_threshold,
  updated_at: r.updated_at.toISOString(),
});

const RETURNED = `company_id, threshold_credits::text, webhook_url, above_threshold, updated_at`;

/** A company's low-balance alert settings (firing itself happens in the ledger transactions). */
@Injectable()
export class LowBalanceAlerts {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Arms (or re-arms with new settings) under the company's row lock, so no balance change interleaves:
   * armed when the balance is above the threshold now; a balance already at or below it fires only
   * after a rise and a new fall. Undefined for an unknown company.
   */
  arm(companyId: string, threshold: string, webhookUrl: string): Promise<LowBalanceAlertView | undefined> {
    return this.db.transaction(async (tx) => {
      const [company] = await tx.query(`SELECT 1 FROM companies WHERE company_id = $1 FOR UPDATE`, [companyId]);
      if (!company) return undefined;
      const [row]: AlertRow[] = await tx.query(
        `INSERT INTO low_balance_alerts (company_id, threshold_credits, webhook_url, above_threshold, armed_version)
         SELECT company_id, $2, $3, balance_credits > $2, balance_version FROM companies WHERE company_id = $1
         ON CONFLICT (company_id) DO UPDATE SET threshold_credits = EXCLUDED.threshold_credits,
           webhook_url = EXCLUDED.webhook_url, above_threshold = EXCLUDED.above_threshold,
           armed_version = EXCLUDED.armed_version, updated_at = now()
         RETURNING ${RETURNED}`,
        [companyId, threshold, webhookUrl],
      );
      return view(row);
    });
  }

  async find(companyId: string): Promise<LowBalanceAlertView | undefined> {
    const [row]: AlertRow[] = await this.db.query(`SELECT ${RETURNED} FROM low_balance_alerts WHERE company_id = $1`, [
      companyId,
    ]);
    return row && view(row);
  }

  /** True when there was an alert. Fired alerts already queued are still delivered. */
  async remove(companyId: string): Promise<boolean> {
    const [, deleted] = await this.db.query(`DELETE FROM low_balance_alerts WHERE company_id = $1`, [companyId]);
    return deleted > 0;
  }
}
