// Storage faults: the disk under the database is full, read-only, or its folder cannot be made.
// They are the server's (or the machine's), never the caller's, and each is said once, clearly:
// in Vietnamese then English to the people who see it (an officer at the CLI, a client of the
// API), in English with DuckDB's or the OS's own words in the log. A raw stack trace, or a
// "cannot rollback - no transaction is active" standing in for the real error, is what this
// replaces (issue 16, item 8).
export type StorageKind = 'full' | 'read_only' | 'missing' | 'io';

// DuckDB says "Could not write file …: No space left on device" (inside "TransactionContext
// Error: Failed to commit: …" when the commit is what failed); Node names the errno. A process
// over its file-size limit (ulimit -f) gets EFBIG, "File too large": full, as far as it can tell.
const KINDS: [StorageKind, RegExp][] = [
  [
    'full',
    /No space left on device|\bENOSPC\b|Disk quota exceeded|\bEDQUOT\b|File too large|\bEFBIG\b/i,
  ],
  ['read_only', /Read-only file system|\bEROFS\b|Permission denied|\bEACCES\b|\bEPERM\b/i],
  ['io', /\bIO Error\b|\bEIO\b|Input\/output error/i],
];

// the people's words: no path (an API client is not told the server's folders; the CLI adds it)
const WORDS: Record<StorageKind, { vi: string; en: string }> = {
  full: {
    vi: 'ổ đĩa chứa cơ sở dữ liệu đã đầy (hoặc vượt hạn mức)',
    en: 'the disk holding the database is full (or over its quota)',
  },
  read_only: {
    vi: 'không ghi được vào thư mục của cơ sở dữ liệu (chỉ đọc, hoặc không có quyền ghi)',
    en: 'the database is in a folder that cannot be written (read-only, or no permission)',
  },
  missing: {
    vi: 'thư mục của cơ sở dữ liệu không có và không tạo được',
    en: "the database's folder does not exist and cannot be created",
  },
  io: {
    vi: 'lỗi đọc/ghi tệp cơ sở dữ liệu',
    en: 'the database file could not be read or written',
  },
};

/**
 * A storage fault, with what it did to the data (`outcome`: "nothing was loaded", or a batch kept
 * with its results owed). `message` is the log's: English, with the path and the cause's own
 * words; `vi` and `en` are the people's, without either.
 */
export class StorageError extends Error {
  readonly vi: string;
  readonly en: string;
  constructor(
    readonly kind: StorageKind,
    readonly path: string,
    readonly detail: string,
    readonly outcome: string = '',
    viOutcome = '',
  ) {
    const en = WORDS[kind].en + (outcome ? `; ${outcome}` : '');
    super(`${en} (${path}: ${detail})`);
    this.name = 'StorageError';
    this.en = en;
    this.vi = WORDS[kind].vi + (viOutcome ? `; ${viOutcome}` : '');
  }

  /** One line for a person at the terminal: Vietnamese, then English, and the file. */
  get line(): string {
    return `Lỗi lưu trữ: ${this.vi}. Storage error: ${this.en}. (${this.path})`;
  }

  /** For an API client: Vietnamese, then English, no path. */
  get answer(): string {
    return `${this.vi}. ${this.en}.`;
  }
}

/** The first line of an error's message (DuckDB's errors carry context after it). */
export const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();

/** The kind of storage fault an error reports, or null when it is not one. */
export function storageKind(error: unknown): StorageKind | null {
  const text = `${firstLine(error)} ${(error as { code?: unknown })?.code ?? ''}`;
  for (const [kind, pattern] of KINDS) if (pattern.test(text)) return kind;
  return null;
}

/** The error as a StorageError when it is a storage fault (once: a StorageError passes as is). */
export function asStorageError(
  error: unknown,
  path: string,
  outcome?: { en: string; vi: string },
): StorageError | null {
  if (error instanceof StorageError) return error;
  const kind = storageKind(error);
  return kind ? new StorageError(kind, path, firstLine(error), outcome?.en, outcome?.vi) : null;
}
