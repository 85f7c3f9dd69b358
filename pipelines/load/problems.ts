// Problems found while reading input: every one is collected, then the load is refused whole.
export type Severity = 'error' | 'warning';

export interface Problem {
  file: string;
  /** 1-based line or record number in the file; null for whole-file problems */
  row: number | null;
  column: string | null;
  value: string | null;
  rule: string;
  /** in English: the CLI's and the log's words */
  message: string;
  /** the same in Vietnamese, for the pages and the API's `lang=vi`; see `problemText` */
  vi?: string;
  severity: Severity;
}

/** A message in both languages: what a problem says to an officer and to a log. */
export interface Bilingual {
  en: string;
  vi: string;
}

const split = (message: string | Bilingual) =>
  typeof message === 'string' ? { message } : { message: message.en, vi: message.vi };

/** An error found in `file`: the one way readers build a problem that refuses the input. */
export function errorAt(
  file: string,
  row: number | null,
  column: string | null,
  value: string | null,
  rule: string,
  message: string | Bilingual,
): Problem {
  return { file, row, column, value, rule, ...split(message), severity: 'error' };
}

/** Collects the errors of one file: `add(row, column, value, rule, message)`. */
export function errorsOf(file: string): {
  problems: Problem[];
  add: (
    row: number | null,
    column: string | null,
    value: string | null,
    rule: string,
    message: string | Bilingual,
  ) => void;
} {
  const problems: Problem[] = [];
  return {
    problems,
    add: (row, column, value, rule, message) => {
      problems.push(errorAt(file, row, column, value, rule, message));
    },
  };
}

export class RejectedInput extends Error {
  constructor(readonly problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      `${errors.length} error(s); nothing was loaded\n${errors.slice(0, 20).map(formatProblem).join('\n')}`,
    );
    this.name = 'RejectedInput';
  }
}

export function formatProblem(p: Problem): string {
  const where = [
    p.file,
    p.row !== null ? `row ${p.row}` : null,
    p.column ? `column ${p.column}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const value = p.value !== null ? ` (value ${JSON.stringify(p.value)})` : '';
  return `${where}: ${p.message}${value} [${p.rule}]`;
}
