// Errors a route may throw on purpose: a status below 500 and a machine code; the one error
// handler (plugins/errors.ts) turns them into {error: {code, message}}.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);
export const forbidden = (message: string) => new HttpError(403, 'FORBIDDEN', message);
