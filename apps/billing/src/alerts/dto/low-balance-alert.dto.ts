import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, ValidateBy } from 'class-validator';
import { decimalText } from '../../common/credit-amount';
import { NoControlCharacters } from '../../common/no-control-characters';

const THRESHOLD_RULE =
  'threshold_credits must be a number of credits with at most 6 decimals (a JSON number, or a decimal string)';

export class LowBalanceAlertDto {
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 100,
    description: 'Fire when the balance falls from above this to at or below it (0 or negative allowed)',
  })
  @ValidateBy({
    name: 'isThreshold',
    validator: { validate: (v) => decimalText(v) !== undefined, defaultMessage: () => THRESHOLD_RULE },
  })
  threshold_credits: number | string;

  @ApiProperty({ example: 'https://hooks.example.com/tts/low-balance', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  @NoControlCharacters('webhook_url')
  webhook_url: string;
}

export class LowBalanceAlertView {
  @ApiProperty({ example: 'acme' })
  company_id: string;

  @ApiProperty({ example: 100 })
  threshold_credits: number;

  @ApiProperty({ example: 'https://hooks.example.com/tts/low-balance' })
  webhook_url: string;

  @ApiProperty({
    description: 'true while the balance is above the threshold (the next fall fires); false once fired, until a rise',
  })
  armed: boolean;

  @ApiProperty({ example: '2026-11-30T12:00:00.000Z' })
  updated_at: string;
}
