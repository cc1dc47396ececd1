import { ApiProperty } from '@nestjs/swagger';
import { toReportedNumber } from '@tts/protocol';
import { CompanyEntity } from './company.entity';

/** The admin API's shape of a company: credits as a JSON number rounded to 6 decimals, and as exact text. */
export class CompanyView {
  @ApiProperty({ example: 'acme' }) company_id: string;
  @ApiProperty({ example: 'Acme Corp', nullable: true, type: String }) name: string | null;
  @ApiProperty({ example: 96.5, description: 'rounded to 6 decimals; may be negative' }) balance_credits: number;
  @ApiProperty({ example: '2026-11-30T12:00:00.000Z' }) updated_at: string;
  @ApiProperty({
    example: '96.500000000000000000',
    description:
      'the stored balance as exact decimal text, as GET /v1/balance on the gateway gives it: a JSON number holds 6 decimals exactly only up to about 9 billion credits',
  })
  balance_exact: string;
}

export class TopUpReceipt {
  @ApiProperty({ example: 'invoice-2026-0042' }) reference: string;
  @ApiProperty({ example: 100 }) amount: number;
  @ApiProperty({ description: 'false: this reference was applied before; the balance did not change again' })
  applied: boolean;
}

export class TopUpView extends CompanyView {
  @ApiProperty({ type: TopUpReceipt }) top_up: TopUpReceipt;
}

export function companyView(c: CompanyEntity): CompanyView {
  return {
    company_id: c.companyId,
    name: c.name,
    balance_credits: toReportedNumber(c.balanceCredits),
    updated_at: c.updatedAt.toISOString(),
    balance_exact: c.balanceCredits,
  };
}
