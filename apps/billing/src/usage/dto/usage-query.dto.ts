import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { NoControlCharacters } from '../../common/no-control-characters';
import { USAGE_GROUPS, UsageGroup } from '../usage-cursor';
import { UsagePageDto } from './usage-period.dto';

export class UsageQueryDto extends UsagePageDto {
  @ApiPropertyOptional({ description: 'Only this session (not empty: leave it out for every session)', maxLength: 128 })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'session_id must not be empty: leave it out for every session' })
  @MaxLength(128)
  @NoControlCharacters('session_id')
  session_id?: string;

  @ApiPropertyOptional({
    enum: USAGE_GROUPS,
    description:
      'Answer `groups` (the totals broken down by this key; `day` is the UTC date of interval_end) instead of `items`',
  })
  @IsOptional()
  @IsIn(USAGE_GROUPS, { message: `group_by must be one of ${USAGE_GROUPS.join(', ')}` })
  group_by?: UsageGroup;
}
