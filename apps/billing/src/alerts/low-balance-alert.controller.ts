import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Put,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BillingEnv } from '@tts/config';
import { ApiErrors } from '../admin/api-errors';
import { AdminTokenGuard } from '../admin/admin-token.guard';
import { CompanyIdPipe } from '../common/company-id.pipe';
import { decimalText } from '../common/credit-amount';
import { BILLING_ENV } from '../config/billing-env.provider';
import { LowBalanceAlertDto, LowBalanceAlertView } from './dto/low-balance-alert.dto';
import { LowBalanceAlerts } from './low-balance-alerts.service';
import { privateAddressOf, webhookUrlProblem } from './webhook-url';

@ApiTags('low-balance alerts')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('v1/companies/:companyId/low-balance-alert')
export class LowBalanceAlertController {
  constructor(
    private readonly alerts: LowBalanceAlerts,
    @Inject(BILLING_ENV) private readonly env: BillingEnv,
  ) {}

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Arm a low-balance alert',
    description:
      'When the balance falls from above threshold_credits to at or below it, billing POSTs a signed ' +
      '`balance.low` webhook (X-TTS-Signature: sha256=<HMAC of the raw body>) once; it fires again only ' +
      'after the balance rose above the threshold. Replaces the previous settings. Receivers verify the ' +
      'signature over the raw bytes, refuse a `sent_at` (the time of each delivery attempt, signed) older ' +
      'than a few minutes, and deduplicate on `event_id` (the same on every attempt).',
  })
  @ApiOkResponse({ type: LowBalanceAlertView })
  @ApiErrors(400, 404)
  async arm(
    @Param('companyId', CompanyIdPipe) id: string,
    @Body() body: LowBalanceAlertDto,
  ): Promise<LowBalanceAlertView> {
    if (!this.env.WEBHOOK_SIGNING_SECRET) {
      throw new BadRequestException('low-balance alerts are disabled: WEBHOOK_SIGNING_SECRET is not configured');
    }
    const problem = webhookUrlProblem(body.webhook_url);
    if (problem) throw new BadRequestException(problem);
    if (!this.env.WEBHOOK_ALLOW_PRIVATE_ADDRESSES) {
      const resolved = await privateAddressOf(body.webhook_url).catch(() => 'unresolvable');
      if (resolved) throw new BadRequestException(`webhook_url must resolve to a public address (got ${resolved})`);
    }
    const alert = await this.alerts.arm(id, decimalText(body.threshold_credits)!, body.webhook_url);
    if (!alert) throw new NotFoundException(`company ${id} not found`);
    return alert;
  }

  @Get()
  @ApiOperation({ summary: "Show a company's low-balance alert" })
  @ApiOkResponse({ type: LowBalanceAlertView })
  @ApiErrors(400, 404)
  async show(@Param('companyId', CompanyIdPipe) id: string): Promise<LowBalanceAlertView> {
    const alert = await this.alerts.find(id);
    if (!alert) throw new NotFoundException(`company ${id} has no low-balance alert`);
    return alert;
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the low-balance alert (alerts already fired are still delivered)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, 404)
  async remove(@Param('companyId', CompanyIdPipe) id: string): Promise<void> {
    if (!(await this.alerts.remove(id))) throw new NotFoundException(`company ${id} has no low-balance alert`);
  }
}
