import { BadRequestException, PipeTransform } from '@nestjs/common';

const COMPANY_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export class CompanyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!COMPANY_ID.test(value)) throw new BadRequestException('companyId must be 1-128 of A-Z a-z 0-9 _ . : -');
    return value;
  }
}
