import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { NoControlCharacters } from '../../common/no-control-characters';
import { UsagePageDto } from './usage-period.dto';

export const USAGE_GROUPS = ['user_id', 'session_id', 'model', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export class UsageQueryDto extends UsagePageDto {
  @ApiPropertyOptional({ description: 'Only this session', maxLength: 128 })
  @IsOptional()
  @IsString()
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
