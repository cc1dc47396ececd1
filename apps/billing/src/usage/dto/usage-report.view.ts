import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the usage answers (the service builds plain objects of the same shape). */
export class ExactSumsView {
  @ApiProperty({ example: '90' }) seconds: string;
  @ApiProperty({ example: '1.5', description: 'seconds / 60 at 18 decimals' }) minutes: string;
  @ApiProperty({ example: '1.500000000000000013' }) credits: string;
}

export class UsageSumsView {
  @ApiProperty({ example: 2880000 }) audio_bytes: number;
  @ApiProperty({ example: 90, description: 'rounded to 6 decimals' }) seconds: number;
  @ApiProperty({ example: 1.5 }) minutes: number;
  @ApiProperty({ example: 1.5 }) credits: number;
  @ApiProperty({ example: 3 }) events: number;
  @ApiProperty({
    type: ExactSumsView,
    description: 'the same sums as exact decimal text (trailing zeros trimmed): add these, not the rounded numbers',
  })
  exact: ExactSumsView;
}

export class UsagePageView {
  @ApiProperty({ example: 100 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
  @ApiProperty({
    example: null,
    nullable: true,
    type: Number,
    description: 'offset paging (compatibility): null on the last page, and when the request paged by cursor',
  })
  next_offset: number | null;
  @ApiProperty({
    example: 'WzEsIml0ZW1zIiwiMjAyNi0xMS0zMFQxMDowMDowNS4wMDAwMDBaIiwiNDIiXQ',
    nullable: true,
    type: String,
    description:
      'opaque: pass it as `cursor` (same filters and group_by) for the next page; null on the last page. ' +
      'No row is repeated across cursor pages, unlike offset pages; an event applied meanwhile behind the ' +
      'cursor is on no page, but in `totals`',
  })
  next_cursor: string | null;
}

export class UsageItemView {
  @ApiProperty({ example: 'c-7f3a:12' }) event_id: string;
  @ApiProperty({ example: 's-1' }) session_id: string;
  @ApiProperty({ example: 'c-7f3a' }) connection_id: string;
  @ApiProperty({ example: 'u-42' }) user_id: string;
  @ApiProperty({ example: 'gw-1' }) gateway_id: string;
  @ApiProperty({ example: 'aura-2-thalia-en' }) model: string;
  @ApiProperty({ example: 'linear16' }) encoding: string;
  @ApiProperty({ example: 24000 }) sample_rate: number;
  @ApiProperty({ example: 'wav' }) container: string;
  @ApiProperty({ example: 1440000 }) audio_bytes: number;
  @ApiProperty({ example: 120 }) characters: number;
  @ApiProperty({ example: 30 }) seconds: number;
  @ApiProperty({ example: 0.5 }) credits: number;
  @ApiProperty({ example: '2026-11-30T10:00:00.000Z' }) interval_start: string;
  @ApiProperty({ example: '2026-11-30T10:00:05.000Z' }) interval_end: string;
  @ApiProperty({ example: false }) final: boolean;
  @ApiProperty({ example: '2026-11-30T10:00:05.120Z' }) applied_at: string;
}

const TOTALS_AS_OF =
  'the whole filtered period as of this answer (every page recomputes them): when they changed between your ' +
  'first and last page, events were applied meanwhile, and one with a sort key before your cursor is not in ' +
  'your pages';

export class UsageReportView {
  @ApiProperty({ type: UsageSumsView, description: TOTALS_AS_OF }) totals: UsageSumsView;
  @ApiProperty({ type: [UsageItemView] }) items: UsageItemView[];
  @ApiProperty({ type: UsagePageView }) page: UsagePageView;
}

export class UsageGroupView extends UsageSumsView {
  @ApiProperty({ example: '2026-11-30', description: 'the user_id, session_id, model, or UTC day (YYYY-MM-DD)' })
  key: string;
}

export class UsageBreakdownView {
  @ApiProperty({ type: UsageSumsView, description: `equal to the totals without group_by; ${TOTALS_AS_OF}` })
  totals: UsageSumsView;
  @ApiProperty({ type: [UsageGroupView] }) groups: UsageGroupView[];
  @ApiProperty({ type: UsagePageView, description: 'pages of groups' }) page: UsagePageView;
}
