import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';

/** Nest's error body, as every admin route answers a refusal. */
const errorSchema = (status: number, message: string) => ({
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: status },
    message: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: message },
    error: { type: 'string' },
  },
});

const ERRORS: Record<number, { description: string; example: string }> = {
  400: {
    description: 'Invalid input: the message names the field and the rule',
    example: 'companyId must be 1-128 of A-Z a-z 0-9 _ . : -',
  },
  401: {
    description: 'Missing or wrong admin token',
    example: 'missing or wrong admin token (Authorization: Bearer <BILLING_ADMIN_TOKEN>)',
  },
  404: {
    description: 'Unknown company (create it with PUT /v1/companies/{companyId})',
    example: 'company acme not found',
  },
  409: {
    description: 'The reference was already used with another amount or company',
    example: 'reference invoice-2026-0042 was already used with another amount or company',
  },
  503: {
    description: 'BILLING_ADMIN_TOKEN is not configured: the admin API is disabled',
    example: 'admin API disabled: BILLING_ADMIN_TOKEN is not configured',
  },
};

/** Documents the error answers of an admin route, each with an example body. 401 and 503 apply to all. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...new Set([...statuses, 401, 503])].map((status) =>
      ApiResponse({
        status,
        description: ERRORS[status].description,
        schema: errorSchema(status, ERRORS[status].example),
      }),
    ),
  );
}
