import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { CREDIT_AMOUNT_RULE, IsCreditAmount } from '../../common/credit-amount';

export class TopUpDto {
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 100,
    description: `Credits to add (negative: remove): ${CREDIT_AMOUNT_RULE.replace('amount must be ', '')}.`,
  })
  @IsCreditAmount()
  amount: number | string;

  @ApiProperty({
    example: 'invoice-2026-0042',
    description: 'Idempotency key: the same reference changes the balance once',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[\x21-\x7e]+$/, { message: 'reference must be printable ASCII without spaces' })
  reference: string;
}
