// Problems found by SQL, as the report gives them: a temp table of (part, line, column, value,
// rule, message) rows, however many, is counted in full and only its first ERROR_LIMIT rows are
// read into JavaScript, each named by its file, row and printed column.
import type { Database } from '../db/connect.ts';
import type { Plan } from './columns.ts';
import type { Bilingual, Problem, Severity } from './problems.ts';
import { ERROR_LIMIT, type Capped } from './report.ts';

interface ProblemRow {
  part: number;
  line: string | null;
  column_name: string | null;
  value: string | null;
  rule: string;
  message: string | null;
}

/** Errors by place, then rule; warnings (findings) by place, then message. */
const ORDER: Record<Severity, string> = {
  error: 'part, line nulls first, column_name, rule, value',
  warning: 'part, line, column_name, rule, message',
};

/**
 * A message in both languages as one SQL text (a problem's `message` column): the English, this
 * mark, the Vietnamese. Classification writes it so; reading a problem splits it.
 */
export const VI_MARK = '\u001f';
export const bothWords = (m: Bilingual | null, en: string | null = null): string | null =>
  m === null ? en : `${m.en}${VI_MARK}${m.vi}`;

const words = (m: string | Bilingual) => {
  if (typeof m !== 'string') return { message: m.en, vi: m.vi };
  const [message, vi] = m.split(VI_MARK);
  return vi === undefined ? { message } : { message, vi };
};

/**
 * The problems of temp table `table` (columns part, line, column_name, value, rule, message): the
 * count, and the first ERROR_LIMIT. A row without a message gets `message(value, rule)`.
 */
export async function readProblems(
  db: Database,
  table: string,
  plans: Plan[],
  severity: Severity,
  message: (value: string | null, rule: string) => string | Bilingual,
): Promise<Capped> {
  const count = Number(await db.scalar<bigint>(`select count(*) from ${table}`));
  if (count === 0) return { first: [], count };
  const rows = await db.all<ProblemRow>(
    `select part, line, column_name, value, rule, message from ${table}
     order by ${ORDER[severity]} limit ${ERROR_LIMIT}`,
  );
  const first = rows.map((p): Problem => {
    const plan = plans[p.part];
    // canonical keys become the column as printed in this part's header
    const index = p.column_name === null ? undefined : plan.columns.get(p.column_name);
    return {
      file: plan.sniffed.file,
      row: p.line === null ? null : Number(p.line),
      column: index === undefined ? p.column_name : plan.sniffed.header[index],
      value: p.value,
      rule: p.rule,
      ...words(p.message ?? message(p.value, p.rule)),
      severity,
    };
  });
  return { first, count };
}
