import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/** The shape of the errors Express's body parser raises (the http-errors package): a status it means to show. */
interface ClientHttpError {
  status: number;
  expose: true;
  message: string;
}

function isClientHttpError(error: unknown): error is ClientHttpError {
  const candidate = error as Partial<ClientHttpError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.expose === true &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    typeof candidate.message === 'string'
  );
}

/**
 * A request body the parser refuses (too large, bad JSON, bad gzip, an unknown charset) is the sender's
 * mistake, read before any guard: answered with its 4xx as Nest answers any refusal, and not logged.
 * Nest's own handler answers the same status but logs each one at error level with its stack, so anyone
 * reaching the port could fill the error log. Everything else goes to Nest's handler unchanged.
 */
@Catch()
export class RequestBodyErrorsFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    if (isClientHttpError(exception)) {
      const body = { statusCode: exception.status, message: exception.message };
      return super.catch(new HttpException(body, exception.status), host);
    }
    super.catch(exception, host);
  }
}
