// A planner's file of status changes (CSV or XLSX: plan_id, number|seq, status, as_of, note
// [, evidence_url, group]), read with the ingest's readers (encodings, delimiters, sheets) and
// checked row by row against the plans: every problem is collected with its file, row, column
// and value, and the file is recorded whole or not at all (`chitieu tasks|procedures update`).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Database } from '../../pipelines/db/connect.ts';
import type { Encoding } from '../../pipelines/read/decode.ts';
import type { Sniffed } from '../../pipelines/read/sniff.ts';
import { columnLetter } from '../../pipelines/read/xlsx.ts';
import { formatOf, problemFile, readParts } from '../../pipelines/load/formats.ts';
import { errorAt, type Problem } from '../../pipelines/load/problems.ts';
import { matchKey } from '../../pipelines/normalize/text.ts';
import { workItems, type NewChange, type WorkItem } from './history.ts';
import { outOfScope, planPlaces, type PlanPlace, type PlannerScope } from './scope.ts';
import { checkEntry, readDay, readStatus, STATUSES, type WorkKind } from './status.ts';

/** The columns a file may have, by the names (English or Vietnamese) a header may give them. */
const COLUMNS = {
  plan_id: ['plan_id', 'plan', 'kế hoạch', 'mã kế hoạch'],
  number: ['number', 'số tt', 'stt', 'số thứ tự', 'tt'],
  seq: ['seq', 'vị trí', 'thứ tự trong kế hoạch'],
  group: ['group', 'group_name', 'nhóm', 'nhóm nhiệm vụ'],
  status: ['status', 'trạng thái', 'tình trạng'],
  as_of: ['as_of', 'as of', 'ngày', 'ngày hiệu lực', 'tính đến ngày', 'ngày cập nhật'],
  note: ['note', 'ghi chú'],
  evidence_url: [
    'evidence_url',
    'evidence',
    'minh chứng',
    'đường dẫn minh chứng',
    'link minh chứng',
  ],
  // kept in a planner's sheet for reading; not checked against the plan
  ignored: [
    'title',
    'name',
    'lead',
    'due_on',
    'deadline_text',
    'nội dung',
    'nội dung nhiệm vụ',
    'tên nhiệm vụ',
    'tên thủ tục',
    'cơ quan chủ trì',
    'thời hạn',
    'hạn',
  ],
} as const;
type Column = Exclude<keyof typeof COLUMNS, 'ignored'>;
const BY_NAME = new Map<string, Column | 'ignored'>(
  (Object.entries(COLUMNS) as [Column | 'ignored', readonly string[]][]).flatMap(([c, names]) =>
    names.map((n) => [matchKey(n), c] as [string, Column | 'ignored']),
  ),
);

/** A sheet or a CSV file as rows of text: its header and each row with its number in the source. */
export interface Table {
  /** the name problems carry: the file, or `book.xlsx[Sheet1]` */
  file: string;
  header: string[];
  rows: Array<{ row: number; values: Array<string | null> }>;
  /** spreadsheets: name columns by letter too */
  columnLetters: boolean;
}

export interface ReadOptions {
  /** the name problems carry (an upload's own name); default: the path's last segment */
  name?: string;
  encoding?: Encoding;
  sheet?: string;
}

/** Parses one part the readers produced (a CSV as it is, or a sheet staged with its row numbers). */
function tableOf(part: Sniffed): Table {
  const records = parseCsv(readFileSync(part.utf8Path, 'utf8'), {
    delimiter: part.delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
  }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const rows = records
    .slice(1)
    .map(({ record, info }) =>
      part.rowColumn
        ? { row: Number(record[0]), values: record.slice(1).map((v) => v.normalize('NFC')) }
        : { row: info.lines, values: record.map((v) => v.normalize('NFC')) },
    );
  return { file: part.file, header: part.header, rows, columnLetters: part.columnLetters };
}

/** The tables of a CSV or XLSX file, or the problems that keep it from being read. */
export async function readStatusFile(
  path: string,
  options: ReadOptions = {},
): Promise<{ tables: Table[]; problems: Problem[] }> {
  const name = options.name ?? basename(path);
  const format = formatOf(path, name);
  if (format === 'json') {
    return {
      tables: [],
      problems: [errorAt(name, null, null, null, 'format', 'a status file is a CSV or an XLSX')],
    };
  }
  const workDir = mkdtempSync(join(tmpdir(), 'chitieu-status-'));
  try {
    const read = await readParts({
      path,
      baseName: name,
      file: problemFile(format, name, options.sheet),
      format,
      encoding: options.encoding,
      sheet: options.sheet,
      // a table, not a form of figures: no row is a title, a group or a total
      table: { plain: true },
      workDir,
    });
    const tables: Table[] = [];
    const problems = [...read.problems];
    for (const part of read.parts) {
      try {
        tables.push(tableOf(part));
      } catch (error) {
        problems.push(errorAt(part.file, null, null, null, 'csv', (error as Error).message));
      }
    }
    return { tables, problems };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** What rows are checked against: the plans' items, dates and places, today, the token's scope. */
export interface BulkReference {
  kind: WorkKind;
  items: WorkItem[];
  plans: Map<string, PlanPlace>;
  today: string;
  /** null: everywhere (an admin, or the CLI on the database file) */
  scope: PlannerScope | null;
}

export async function bulkReference(
  db: Database,
  kind: WorkKind,
  today: string,
  scope: PlannerScope | null,
): Promise<BulkReference> {
  return {
    kind,
    items: await workItems(db, kind),
    plans: await planPlaces(db),
    today,
    scope,
  };
}

/** A number as a key that ignores case, blanks, a trailing dot and leading zeros ("01." = "1"). */
const numberKey = (text: string) =>
  text
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/\.$/, '')
    .replace(/\d+/g, (d) => String(Number(d)));

export interface BulkCheck {
  /** the rows that carry a change */
  rows: number;
  changes: NewChange[];
  problems: Problem[];
}

/** Checks every row of every table (pure): the changes when there is no problem, else every one. */
export function checkStatusRows(tables: readonly Table[], ref: BulkReference): BulkCheck {
  const noun = ref.kind;
  const problems: Problem[] = [];
  const changes: NewChange[] = [];
  const seen = new Map<string, string>();
  let count = 0;
  const itemsOf = new Map<string, WorkItem[]>();
  for (const item of ref.items)
    itemsOf.set(item.plan_id, [...(itemsOf.get(item.plan_id) ?? []), item]);

  for (const table of tables) {
    const columns = new Map<Column, number>();
    const label = (i: number) =>
      table.columnLetters ? `${table.header[i]} (${columnLetter(i + 1)})` : table.header[i];
    const fileProblem = (
      column: string | null,
      value: string | null,
      rule: string,
      message: string,
    ) => problems.push(errorAt(table.file, null, column, value, rule, message));
    table.header.forEach((h, i) => {
      const c = BY_NAME.get(matchKey(h));
      if (c === undefined) {
        fileProblem(
          h,
          h,
          'column',
          `unknown column "${h}": a status file has plan_id, number or seq, status, as_of, note, and may have evidence_url and group`,
        );
      } else if (c !== 'ignored') {
        if (columns.has(c)) fileProblem(h, h, 'column', `column ${c} is given twice`);
        else columns.set(c, i);
      }
    });
    for (const c of ['plan_id', 'status', 'as_of', 'note'] as const) {
      if (!columns.has(c)) fileProblem(c, null, 'column', `missing column ${c}`);
    }
    if (!columns.has('number') && !columns.has('seq')) {
      fileProblem('number', null, 'column', `missing column number (as printed) or seq`);
    }
    if (problems.some((p) => p.file === table.file && p.row === null)) continue;

    for (const { row, values } of table.rows) {
      if (values.every((v) => v === null || v.trim() === '')) continue;
      const text = (c: Column): string | null => {
        const i = columns.get(c);
        const v = i === undefined ? null : (values[i] ?? null);
        return v === null || v.trim() === '' ? null : v.trim();
      };
      const problem = (c: Column, rule: string, message: string) => {
        const i = columns.get(c);
        problems.push(
          errorAt(table.file, row, i === undefined ? c : label(i), text(c), rule, message),
        );
      };
      if (values.length > table.header.length && values.slice(table.header.length).some((v) => v)) {
        problems.push(
          errorAt(
            table.file,
            row,
            null,
            null,
            'columns',
            `more values than the header has columns`,
          ),
        );
      }
      count += 1;

      // the item: its plan, then seq or number (and group when a number repeats)
      const planId = text('plan_id');
      let item: WorkItem | null = null;
      if (planId === null) problem('plan_id', 'required', 'plan_id is empty');
      else if (!ref.plans.has(planId))
        problem('plan_id', 'unknown_plan', `unknown plan: ${planId}`);
      else {
        const inPlan = itemsOf.get(planId) ?? [];
        const seqText = text('seq');
        const number = text('number');
        const group = text('group');
        if (seqText !== null) {
          const seq = /^\d+$/.test(seqText) ? Number(seqText) : NaN;
          item = inPlan.find((i) => i.seq === seq) ?? null;
          if (item === null) {
            problem(
              'seq',
              `unknown_${noun}`,
              `plan ${planId} has no ${noun} at seq ${seqText} (1 to ${inPlan.length})`,
            );
          } else if (number !== null && numberKey(number) !== numberKey(item.number)) {
            problem(
              'number',
              'mismatch',
              `${noun} ${seqText} of plan ${planId} is number ${item.number}, not ${number}`,
            );
            item = null;
          }
        } else if (number !== null) {
          let found = inPlan.filter((i) => i.number === number);
          if (found.length === 0)
            found = inPlan.filter((i) => numberKey(i.number) === numberKey(number));
          if (group !== null && found.length > 1) {
            found = found.filter(
              (i) => i.group_name !== null && matchKey(i.group_name) === matchKey(group),
            );
          }
          if (found.length === 1) item = found[0];
          else if (found.length === 0) {
            problem(
              'number',
              `unknown_${noun}`,
              `plan ${planId} has no ${noun} numbered ${number}${group ? ` in group "${group}"` : ''}`,
            );
          } else {
            problem(
              'number',
              'ambiguous_number',
              `number ${number} names ${found.length} ${noun}s of plan ${planId} (seq ${found.map((i) => i.seq).join(', ')}): give seq${noun === 'task' && group === null ? ', or the group' : ''}`,
            );
          }
        } else problem('number', 'required', 'number and seq are both empty');
      }

      const statusText = text('status');
      const status = statusText === null ? null : readStatus(statusText);
      if (statusText === null) problem('status', 'required', 'status is empty');
      else if (status === null) {
        problem(
          'status',
          'status',
          `unknown status: ${statusText} (${STATUSES.join(', ')}, or Vietnamese: Hoàn thành, Đang thực hiện …)`,
        );
      }
      const dayText = text('as_of');
      const asOf = dayText === null ? null : readDay(dayText);
      if (dayText === null) problem('as_of', 'required', 'as_of is empty');
      else if (asOf === null)
        problem('as_of', 'as_of', `invalid as_of: ${dayText} (a day: 2025-03-31 or 31/03/2025)`);
      const note = text('note');
      const evidence = text('evidence_url');
      if (planId !== null && ref.plans.has(planId)) {
        for (const p of checkEntry(
          { as_of: asOf ?? ref.today, note, evidence_url: evidence },
          { today: ref.today, planDate: ref.plans.get(planId)!.date, plan_id: planId },
        )) {
          problem(p.column, p.rule, p.message);
        }
        const place = ref.plans.get(planId);
        if (ref.scope && place && !ref.scope.covers(place)) {
          problem('plan_id', 'out_of_scope', outOfScope(place, ref.scope));
        }
      }
      if (item && asOf) {
        const key = `${item.plan_id}\u0000${item.seq}\u0000${asOf}`;
        const first = seen.get(key);
        if (first) {
          problem(
            'as_of',
            'duplicate',
            `${noun} ${item.seq} of plan ${item.plan_id} has another change on ${asOf} at ${first}: which one holds is not clear`,
          );
        } else seen.set(key, `${table.file} row ${row}`);
      }
      if (item && status && asOf) {
        changes.push({ item, status, as_of: asOf, note, evidence_url: evidence });
      }
    }
  }
  if (count === 0 && problems.length === 0) {
    problems.push(
      errorAt(tables[0]?.file ?? '', null, null, null, 'empty_file', 'no rows to record'),
    );
  }
  return { rows: count, changes: problems.length ? [] : changes, problems };
}
