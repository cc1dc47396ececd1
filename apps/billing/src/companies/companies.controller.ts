import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../admin/api-errors';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { toReportedNumber } from '@tts/protocol';
import { CompaniesService } from './companies.service';
import { CompanyIdPipe } from '../common/company-id.pipe';
import { CompanyView, TopUpView, companyView } from './company.view';
import { creditAmountText } from '../common/credit-amount';
import { TopUpDto } from './dto/top-up.dto';
import { UpsertCompanyDto } from './dto/upsert-company.dto';

@ApiTags('companies')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('v1/companies/:companyId')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Put()
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a company (balance 0) or rename it; safe to repeat' })
  @ApiOkResponse({ type: CompanyView })
  @ApiErrors(400)
  async upsert(@Param('companyId', CompanyIdPipe) id: string, @Body() body: UpsertCompanyDto): Promise<CompanyView> {
    return companyView(await this.companies.upsert(id, body.name));
  }

  @Get()
  @ApiOperation({ summary: 'A company and its balance' })
  @ApiOkResponse({ type: CompanyView })
  @ApiErrors(400, 404)
  async get(@Param('companyId', CompanyIdPipe) id: string): Promise<CompanyView> {
    const company = await this.companies.find(id);
    if (!company) throw new NotFoundException(`company ${id} not found`);
    return companyView(company);
  }

  /** 201 when applied, 200 when this reference was already applied (the balance did not change again). */
  @Post('credits')
  @ApiOperation({
    summary: 'Add (or, negative, remove) credits once per reference',
    description: 'The same reference again with the same amount answers 200 and changes nothing; with another, 409.',
  })
  @ApiCreatedResponse({ type: TopUpView, description: 'Applied' })
  @ApiOkResponse({ type: TopUpView, description: 'Already applied under this reference (applied: false)' })
  @ApiErrors(400, 404, 409)
  async topUp(
    @Param('companyId', CompanyIdPipe) id: string,
    @Body() body: TopUpDto,
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<TopUpView> {
    const amount = creditAmountText(body.amount)!; // validated by TopUpDto
    const result = await this.companies.topUp(id, amount, body.reference);
    if (!result) throw new NotFoundException(`company ${id} not found`);
    if (result.conflict)
      throw new ConflictException(`reference ${body.reference} was already used with another amount or company`);
    res.status(result.applied ? 201 : 200);
    const company = (await this.companies.find(id))!;
    return {
      ...companyView(company),
      top_up: { reference: body.reference, amount: toReportedNumber(amount), applied: result.applied },
    };
  }
}
