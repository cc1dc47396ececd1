import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsNumber, IsString, Matches, Max, MaxLength, Min, NotEquals } from 'class-validator';

export class TopUpDto {
  @ApiProperty({ example: 100, description: 'Credits to add (negative: remove); at most 6 decimals' })
  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 6 },
    { message: 'amount must be a number with at most 6 decimals' },
  )
  @NotEquals(0, { message: 'amount must not be 0' })
  @Min(-1e12)
  @Max(1e12)
  amount: number;

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
