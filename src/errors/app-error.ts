// The one error type that crosses layers: a stable code, its HTTP status and a client-safe detail.
import { ERROR_CODES, type ErrorCode } from './codes';

export interface ErrorItem {
  pointer?: string;
  elementId?: string;
  message: string;
  line?: number;
  column?: number;
}

export class AppError extends Error {
  readonly status: number;
  readonly errors?: ErrorItem[];

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    options: { errors?: ErrorItem[]; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
    if (options.errors) this.errors = options.errors;
  }
}
