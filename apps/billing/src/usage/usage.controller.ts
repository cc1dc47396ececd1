import {
  Controller,
  Get,
  NotFoundException,
  Param,
  Query,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { PinoLogger } from 'nestjs-pino';
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
type CsvResponse = Writable & {
  setHeader(name: string, value: string): void;
  removeHeader(name: string): void;
  headersSent: boolean;
};

export const EXPORT_UNAVAILABLE = 'usage export unavailable: the database could not start it; try again later';

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
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(UsageController.name);
  }

  @Get('usage')
  @ApiOperation({
    summary: 'Usage totals with a page of events, or broken down by user, session, model or day',
    description:
      'Filters on interval_end in [from, to). Without group_by: `items`, one per usage event, ordered by ' +
      '(interval_end, id). With group_by: `groups`, the same totals broken down by key (their sums equal ' +
      '`totals`), ordered by key. Page with `limit` and `cursor` (`page.next_cursor`, null on the last page): ' +
      'no row is repeated, and an event applied meanwhile behind the cursor (a late one, with an earlier ' +
      "interval_end) is on no page but in the next answer's `totals`. `offset` still works but can repeat a " +
      'row as well. `totals` is the whole period as of each answer: if it grew while paging, page again.',
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
    description:
      `Header row, then one row per event ordered by interval_end: ${USAGE_CSV_COLUMNS.join(', ')}. Exact decimals, ` +
      'UTC times. The attachment is named usage-<company>-<from>_<to>.csv with the dates of from and to as given ' +
      '(time of day left out; to stays exclusive: ..._2026-12-01.csv ends before December 1).',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'CSV attachment',
    schema: { type: 'string', example: `${USAGE_CSV_COLUMNS.join(',')}\r\n` },
  })
  @ApiResponse({
    status: 503,
    description: 'The database could not start the export (no connection, a failing query), or no admin token is set',
    schema: { example: { statusCode: 503, message: EXPORT_UNAVAILABLE, error: 'Service Unavailable' } },
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
    await this.exports.write(id, period, res).catch((e: Error & { code?: string }) => this.failed(id, e, res));
  }

  /**
   * Nothing sent yet: a 503 JSON answer (Nest's error body, no SQL, no stack). Mid-stream the status is
   * gone, so the connection is cut: a truncated CSV must not look complete. The log names the error, not the query.
   */
  private failed(companyId: string, e: Error & { code?: string }, res: CsvResponse): void {
    if (e.code === 'ERR_STREAM_PREMATURE_CLOSE') return void res.destroy(); // the client hung up
    this.logger.error(
      { company_id: companyId, err: e.message, code: e.code, sent: res.headersSent },
      'usage export failed',
    );
    if (res.headersSent) return void res.destroy();
    res.removeHeader('Content-Disposition');
    res.removeHeader('Content-Type');
    throw new ServiceUnavailableException(EXPORT_UNAVAILABLE);
  }

  private async known(id: string): Promise<void> {
    if (!(await this.companies.find(id))) throw new NotFoundException(`company ${id} not found`);
  }
}
