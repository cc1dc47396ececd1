import { Controller, Get, NotFoundException, Param, Query, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Writable } from 'stream';
import { ApiErrors } from '../admin/api-errors';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { CompaniesService } from '../companies/companies.service';
import { CompanyIdPipe } from '../common/company-id.pipe';
import { UsagePeriodDto } from './dto/usage-period.dto';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UsageBreakdownView, UsageReportView } from './dto/usage-report.view';
import { UsageExportService, USAGE_CSV_COLUMNS } from './usage-export.service';
import { UsageBreakdown, UsageReport, UsageReportService } from './usage-report.service';

/** The slice of Express's response the CSV route needs. */
type CsvResponse = Writable & { setHeader(name: string, value: string): void; headersSent: boolean };

@ApiTags('usage')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@ApiExtraModels(UsageReportView, UsageBreakdownView)
@Controller('v1/companies/:companyId')
export class UsageController {
  constructor(
    private readonly companies: CompaniesService,
    private readonly usage: UsageReportService,
    private readonly exports: UsageExportService,
  ) {}

  @Get('usage')
  @ApiOperation({
    summary: 'Usage totals with a page of events, or broken down by user, session, model or day',
    description:
      'Filters on interval_end in [from, to). Without group_by: `items`, one per usage event. With group_by: ' +
      '`groups`, the same totals broken down by key (their sums equal `totals`). Both are paged by limit/offset.',
  })
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(UsageReportView) }, { $ref: getSchemaPath(UsageBreakdownView) }] },
  })
  @ApiErrors(400, 404)
  async report(
    @Param('companyId', CompanyIdPipe) id: string,
    @Query() query: UsageQueryDto,
  ): Promise<UsageReport | UsageBreakdown> {
    await this.known(id);
    return query.group_by ? this.usage.breakdown(id, query.group_by, query) : this.usage.report(id, query);
  }

  @Get('usage.csv')
  @ApiOperation({
    summary: 'Every usage event of a period as CSV (streamed)',
    description: `Header row, then one row per event ordered by interval_end: ${USAGE_CSV_COLUMNS.join(', ')}. Exact decimals, UTC times.`,
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV attachment',
    schema: { type: 'string', example: `${USAGE_CSV_COLUMNS.join(',')}\r\n` },
  })
  @ApiErrors(400, 404)
  async csv(
    @Param('companyId', CompanyIdPipe) id: string,
    @Query() period: UsagePeriodDto,
    @Res() res: CsvResponse,
  ): Promise<void> {
    await this.known(id);
    const span = [period.from?.slice(0, 10) ?? 'start', period.to?.slice(0, 10) ?? 'now'].join('_');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="usage-${id.replace(/:/g, '_')}-${span}.csv"`);
    // A client that hangs up ends the stream; what was sent is all there is, nothing to report.
    await this.exports.write(id, period, res).catch(() => res.destroy());
  }

  private async known(id: string): Promise<void> {
    if (!(await this.companies.find(id))) throw new NotFoundException(`company ${id} not found`);
  }
}
