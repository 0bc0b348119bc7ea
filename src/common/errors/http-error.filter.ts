import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ZodValidationException } from 'nestjs-zod';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../../db/connection-errors.js';
import { describeZodIssues } from './zod-issues.js';

/** The one error shape of the API, for every 4xx and 5xx. */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

/**
 * The answer while the database is down or restarting: a client may retry
 * after a few seconds (a restart takes about that long); the process stays
 * up and the pool reconnects on the next request.
 */
export const DATABASE_UNAVAILABLE = 'database_unavailable';
const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Thrown by services for an API error with its own code and details. */
export class ApiError extends HttpException {
  readonly body: ErrorBody;

  constructor(status: number, error: string, message: string, details?: unknown) {
    const body = { error, message, ...(details === undefined ? {} : { details }) };
    super(body, status);
    this.body = body;
  }
}

@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.toErrorBody(exception);
    if (body.error === DATABASE_UNAVAILABLE) {
      // Expected while the server restarts, and repeated by every request meanwhile: one line, no stack.
      this.logger.warn(withCause(body.message, exception));
      void reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    } else if (status >= 500) {
      this.logger.error(exception);
    }
    void reply.status(status).header('content-type', 'application/json').send(body);
  }

  private toErrorBody(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof ZodValidationException) {
      const zodError = exception.getZodError();
      const issues = zodError instanceof ZodError ? describeZodIssues(zodError) : [];
      return {
        status: HttpStatus.BAD_REQUEST,
        body: {
          error: 'validation_failed',
          message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') || 'Invalid input',
          details: { issues },
        },
      };
    }
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), body: exception.body };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, body: this.fromHttpException(exception, status) };
    }
    // Fastify's own errors (malformed JSON, body too large) carry a statusCode.
    const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return {
        status: statusCode,
        body: { error: codeFor(statusCode), message: (exception as Error).message },
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: {
          error: DATABASE_UNAVAILABLE,
          message: 'The database is unavailable; try again shortly',
        },
      };
    }
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: 'internal_error', message: 'Internal server error' },
    };
  }

  private fromHttpException(exception: HttpException, status: number): ErrorBody {
    // Nest's own exceptions answer { statusCode, message, error: 'Not Found' }: keep the message.
    const response = exception.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? [response.message].flat().join('; ')
        : exception.message;
    return { error: codeFor(status), message };
  }
}

function withCause(message: string, exception: unknown): string {
  const cause = exception instanceof Error ? exception.message : String(exception);
  return cause === message ? message : `${message}: ${cause}`;
}

function codeFor(status: number): string {
  return ERROR_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}
