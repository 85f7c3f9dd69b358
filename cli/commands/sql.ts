// `chitieu sql [QUERY]`: read-only SQL over the database, one-shot or interactive. No DuckDB
// command-line tool is packaged on npm or Debian, so analysts get this one.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.sql;

export function formatTable(columns: string[], rows: unknown[][], max: number): string[] {
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const shown = rows.slice(0, max).map((r) => r.map(cell));
  const widths = columns.map((c, i) =>
    Math.min(60, Math.max(c.length, ...shown.map((r) => r[i].length))),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => c.slice(0, 60).padEnd(widths[i])).join(' | ');
  const out = [line(columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...shown.map(line)];
  out.push(
    rows.length > max
      ? `(${rows.length} rows, first ${max} shown)`
      : `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  );
  return out;
}

async function runQuery(
  db: Database,
  sql: string,
  io: Io,
  mode: 'table' | 'json' | 'csv',
  max: number,
) {
  const reader = await db.connection.runAndReadAll(sql);
  const columns = reader.columnNames();
  const rows = reader.getRowsJson() as unknown[][];
  if (mode === 'json') {
    io.out(
      JSON.stringify(
        rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))),
        null,
        2,
      ),
    );
  } else if (mode === 'csv') {
    const q = (v: unknown) => {
      const s = v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    io.out(columns.map(q).join(','));
    for (const r of rows) io.out(r.map(q).join(','));
  } else {
    for (const l of formatTable(columns, rows, max)) io.out(l);
  }
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      csv: { type: 'boolean', default: false },
      'max-rows': { type: 'string', default: '100' },
    },
  });
  const max = Number(values['max-rows']);
  if (!Number.isInteger(max) || max < 1)
    throw usageError(`invalid --max-rows: ${values['max-rows']}`);
  const mode = values.json ? 'json' : values.csv ? 'csv' : 'table';
  const db = await Database.open(databasePath(io.env), { readOnly: true });
  try {
    if (positionals.length > 0) {
      try {
        await runQuery(db, positionals.join(' '), io, mode, max);
      } catch (error) {
        io.err(String((error as Error).message));
        return 1;
      }
      return 0;
    }
    const rl = createInterface({ input: process.stdin, terminal: Boolean(process.stdin.isTTY) });
    let buffer = '';
    if (process.stdin.isTTY)
      io.out('chitieu sql (read-only); end queries with ;  — .quit to leave');
    for await (const line of rl) {
      if (line.trim() === '.quit' || line.trim() === '.exit') break;
      buffer += `${line}\n`;
      if (!buffer.trim().endsWith(';')) continue;
      try {
        await runQuery(db, buffer, io, mode, max);
      } catch (error) {
        io.err(String((error as Error).message));
      }
      buffer = '';
    }
    return 0;
  } finally {
    db.close();
  }
}
