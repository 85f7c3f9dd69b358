// Errors a route may throw on purpose: a status and a machine code; the one error handler
// (plugins/errors.ts) turns them into {error: {code, message}}. And the one place that tells a
// server fault (DuckDB out of memory, a full disk) from the caller's mistake.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** seconds, sent as Retry-After (429, 503) */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string) => new HttpError(400, code, message);
export const notFound = (code: string, message: string) => new HttpError(404, code, message);
export const forbidden = (message: string) => new HttpError(403, 'FORBIDDEN', message);

/**
 * 503: the server is at a limit it sets itself (printers, exports) and the caller may come back.
 * The message is English like every API error; `vi` is the same in Vietnamese, for the pages.
 */
export class BusyError extends HttpError {
  constructor(
    code: string,
    message: string,
    retryAfter: number,
    readonly vi: string,
  ) {
    super(503, code, message, retryAfter);
    this.name = 'BusyError';
  }
}

export type ServerFault = 'out_of_memory' | 'io' | 'internal';

// DuckDB names its exception type first ("Out of Memory Error: failed to allocate …"); Node names
// the errno. Only these are the server's: a CSV DuckDB cannot parse is "Invalid Input Error" or
// "Conversion Error", and an IO Error about the file itself (not gzip, …) stays the caller's.
const FAULTS: [ServerFault, RegExp][] = [
  ['out_of_memory', /\bOut of Memory Error\b|\bENOMEM\b|\bCannot allocate memory\b/],
  [
    'io',
    /\bIO Error\b.*\b(No space left|Disk full|Could not write|Permission denied|Too many open files|Read-only file system)|\b(ENOSPC|EMFILE|ENFILE|EIO|EROFS|EDQUOT|EFBIG)\b|No space left on device|Read-only file system|File too large|\bStorageError\b|server could not write/,
  ],
  ['internal', /\b(INTERNAL|FATAL) Error\b/],
];

/** The kind of server fault an error message reports, or null when it is not one. */
export function serverFault(message: string): ServerFault | null {
  for (const [fault, pattern] of FAULTS) if (pattern.test(message)) return fault;
  return null;
}

/** How a server fault is answered: out of memory passes (503, come back), the rest is a 500. */
export const FAULT_ANSWER: Record<
  ServerFault,
  { status: 500 | 503; code: string; message: string }
> = {
  out_of_memory: {
    status: 503,
    code: 'SERVER_OUT_OF_MEMORY',
    message: 'the server ran out of memory for this request; retry later',
  },
  io: {
    status: 500,
    code: 'SERVER_IO_ERROR',
    message:
      'máy chủ không đọc/ghi được tệp dữ liệu (ổ đĩa đầy hoặc chỉ đọc); chi tiết trong nhật ký máy chủ. ' +
      'The server could not read or write its files (a full or read-only disk); the server log has the details',
  },
  internal: {
    status: 500,
    code: 'INTERNAL',
    message: 'internal error; the server log has the details',
  },
};

/** Retry-After for a 503 from running out of memory: long enough for the peak to pass. */
export const OUT_OF_MEMORY_RETRY_S = 30;
