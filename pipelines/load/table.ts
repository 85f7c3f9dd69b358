// Finds the table in an office report form (biểu mẫu): the title block (issuing body, national
// motto, report title), a header of one or more rows (merged cells read as one label spanning
// their columns; the rows joined "Group | Label"), the row of column numbers "(1) (2) (3)", group
// rows (I, II … and headings without figures), total rows (Tổng cộng, Cộng, Toàn tỉnh …), and the
// signature block. What is not data is skipped and said in a note per kind, with its rows; each
// total row is checked against the rows it totals, a warning naming the row and the column when
// they disagree. A plain table (header on its first row, nothing to skip) comes out as it was.
import type { Grid, GridRow } from '../read/grid.ts';
import { columnLetter } from '../read/grid.ts';
import { formatPeriod, parsePeriod } from '../normalize/periods.ts';
import { roleOf, type Role } from './labels.ts';
import { errorAt, type Problem } from './problems.ts';
import type { Note } from './report.ts';

export interface TableOptions {
  /** the (first) header row, as the file numbers its rows */
  headerRow?: number;
  skipRows?: readonly number[];
  /**
   * a table as it is, not a form of figures (status files, indicators/work/bulk.ts): the header
   * is one row and every row below it is data — an STT such as "III.1.a" is a task's number there,
   * not a group heading
   */
  plain?: boolean;
}

/** The table a grid holds. */
export interface Table {
  header: string[];
  /** the data rows: the row's number and one value per header column */
  rows: Array<{ number: number; values: Array<string | null> }>;
  /** the rows the header was read from */
  headerRows: number[];
  notes: Note[];
  /** total rows that disagree with their rows */
  warnings: Problem[];
  /** merged data cells, a header row asked for that is not there */
  errors: Problem[];
  /** the period the title or the sheet's name states, and where it was found */
  period: { value: string; from: 'title' | 'sheet'; text: string } | null;
  /** nothing was skipped, and the header is the first row: the file is a plain table */
  plain: boolean;
}

const LOOK_FOR_HEADER = 40;
const ROMAN = /^(?=[IVXL])(X{0,3})(IX|IV|V?I{0,3})[.)]?$/;
const LETTER = /^[A-ZĐ][.)]?$/;
const TOTAL =
  /^(tổng cộng|tổng số|tổng|cộng|toàn tỉnh|toàn huyện|toàn thành phố|toàn xã|toàn vùng|toàn quốc|cả nước)(?=$|[\s:(,.-])/iu;
// "KT. TỔ TRƯỞNG", "TM. UBND", "Q. GIÁM ĐỐC" are written in capitals: "Q. Ba Đình" is a unit
const SIGN_TITLE = /^(KT|TM|TL|Q)\.\s*\p{Lu}{2,}/u;
const SIGNATURE =
  /^(người lập|người lập biểu|người tổng hợp|tổ trưởng|thủ trưởng|lãnh đạo|chủ tịch|giám đốc|trưởng (phòng|ban|công an)|nơi nhận|xác nhận|ký tên|\(ký)/iu;
const DATE_LINE = /ngày\s*\S*\s*tháng\s*\S*\s*năm/iu;
const COLUMN_NUMBER = /^\(?(\d{1,2}|[A-ZĐ])\)?$/;

/**
 * A number as a form writes it, for checking totals only (reading the figures is the numbers
 * stage's): groups of three after "." "," or a space are thousands, one "," or "." with other
 * than three digits after it is a decimal point. Null for anything else.
 */
export function formNumber(text: string | null): number | null {
  if (text === null) return null;
  const t = text.replace(/\s+/g, ' ').trim();
  if (/^-?\d{1,3}([., ]\d{3})+$/.test(t)) return Number(t.replace(/[., ]/g, ''));
  if (/^-?\d+([.,]\d+)?$/.test(t)) return Number(t.replace(',', '.'));
  return null;
}

const isNumberish = (t: string | null) => t !== null && formNumber(t) !== null;

/** "1–5, 9, 12–13" */
export function rowList(rows: readonly number[]): string {
  const sorted = [...new Set(rows)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return out.join(', ');
}

const text = (row: GridRow) => row.cells.filter((c): c is string => c !== null && c.trim() !== '');

/** A header row: it names the unit column, or the row-number column, in its first cells. */
function namesUnit(row: GridRow): boolean {
  return row.cells.some((c) => {
    if (c === null) return false;
    const role = roleOf(c);
    return role === 'unit_name' || role === 'unit_code';
  });
}

function isColumnNumbers(row: GridRow): boolean {
  const cells = text(row);
  if (cells.length < 2 || !cells.every((c) => COLUMN_NUMBER.test(c.trim()))) return false;
  if (cells.some((c) => c.includes('('))) return true;
  const numbers = cells.filter((c) => /^\d+$/.test(c)).map(Number);
  return numbers.length >= 2 && numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
}

/** A row below the first header row that continues it: labels only, under a group label. */
function continuesHeader(row: GridRow, unitColumn: number): boolean {
  const unit = row.cells[unitColumn];
  const vertical = row.mergedFrom?.[unitColumn] != null;
  if (unit !== null && unit !== undefined && !vertical) return false;
  const cells = text(row);
  return cells.length > 0 && !cells.some((c) => isNumberish(c)) && !isColumnNumbers(row);
}

/** The header labels: each column's text over the header rows, joined "Group | Label". */
function joinHeader(rows: GridRow[], width: number): string[] {
  const grid = rows.map((r) =>
    Array.from({ length: width }, (_, c) => (r.cells[c] ?? '').replace(/\s+/g, ' ').trim()),
  );
  // a text file has no merges: a group label written once over the columns that carry labels in
  // the row below spans them until the next label
  for (let r = 0; r < grid.length - 1; r++) {
    if (rows[r].mergedFrom) continue;
    for (let c = 1; c < width; c++) {
      const below = grid.slice(r + 1).some((g) => g[c] !== '');
      const leftBelow = grid.slice(r + 1).some((g) => g[c - 1] !== '');
      if (grid[r][c] === '' && grid[r][c - 1] !== '' && below && leftBelow) {
        grid[r][c] = grid[r][c - 1];
      }
    }
  }
  return Array.from({ length: width }, (_, c) => {
    const parts: string[] = [];
    for (const g of grid) if (g[c] !== '' && parts[parts.length - 1] !== g[c]) parts.push(g[c]);
    return parts.join(' | ');
  });
}

const note = (file: string, rule: string, rows: number[], en: string, vi: string): Note => ({
  file,
  rule,
  rows,
  message: `${en}: ${rows.length === 1 ? 'row' : 'rows'} ${rowList(rows)}`,
  vi: `${vi}: dòng ${rowList(rows)}`,
});

const SKIPPED: Record<string, [string, string]> = {
  title: ['title block skipped', 'bỏ qua phần tiêu đề'],
  column_numbers: ['row of column numbers skipped', 'bỏ qua dòng đánh số cột'],
  group: ['group rows skipped', 'bỏ qua các dòng nhóm'],
  total: ['total rows skipped (checked against their rows)', 'bỏ qua các dòng tổng (đã đối chiếu)'],
  signature: ['signature block skipped', 'bỏ qua phần chữ ký'],
  asked: ['rows skipped as asked (--skip-rows)', 'bỏ qua theo yêu cầu (--skip-rows)'],
};

/** The period a title or a sheet's name states: "THÁNG 7/2024", "QUÝ III/2024", "T7-2024". */
export function statedPeriod(line: string, year?: number): string | null {
  const t = line.normalize('NFC').toLowerCase();
  // "6 tháng đầu năm", "9 tháng": cumulative spans, not a period of the calendar
  if (/\d+\s*tháng\s*(đầu|cuối)?\s*năm|\b[69]\s*tháng\b/u.test(t)) return null;
  const patterns = [
    /(?<!\p{L})(?:tháng|thang|t)\s*\.?\s*\d{1,2}\s*(?:\/|-|năm|nam)\s*\d{4}/u,
    /(?<!\p{L})(?:quý|quí|quy|q)\s*\.?\s*(?:[ivx]+|\d)\s*(?:\/|-|năm|nam)\s*\d{4}/u,
    /(?<!\p{L})(?:năm|nam)\s*\d{4}/u,
  ];
  for (const re of patterns) {
    const m = re.exec(t);
    const p = m ? parsePeriod(m[0]) : null;
    if (p) return formatPeriod(p);
  }
  const month = /^(?:tháng|thang|t)\s*\.?\s*(\d{1,2})$/u.exec(t.trim());
  if (month && year !== undefined) {
    const p = parsePeriod(`${year}-${month[1]}`);
    if (p) return formatPeriod(p);
  }
  return null;
}

type Kind = 'data' | 'title' | 'column_numbers' | 'group' | 'total' | 'signature' | 'asked';

/** Finds the header, the data rows and what to skip in a grid. */
export function findTable(grid: Grid, options: TableOptions = {}): Table {
  const { file, rows, width } = grid;
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const notes: Note[] = [];
  const asked = new Set(options.skipRows ?? []);
  const usable = rows.filter((r) => !asked.has(r.number));
  let start: number;
  if (options.headerRow !== undefined) {
    start = usable.findIndex((r) => r.number === options.headerRow);
    if (start < 0) {
      errors.push(
        errorAt(file, options.headerRow, null, null, 'header', {
          en: `--header-row ${options.headerRow}: that row is blank or not in the file`,
          vi: `--header-row ${options.headerRow}: dòng này trống hoặc không có trong tệp`,
        }),
      );
      return empty(errors);
    }
  } else if (options.plain) start = 0;
  else {
    start = usable.slice(0, LOOK_FOR_HEADER).findIndex(namesUnit);
    if (start < 0) start = 0;
  }
  if (usable.length === 0) return empty(errors);
  const first = usable[start];
  const unitColumn = Math.max(
    0,
    first.cells.findIndex((c) => c !== null && /unit_(name|code)/.test(roleOf(c) ?? '')),
  );
  let end = start + 1;
  while (
    !options.plain &&
    end < usable.length &&
    end - start < 4 &&
    continuesHeader(usable[end], unitColumn)
  )
    end++;
  const headerRows = usable.slice(start, end);
  const labels = joinHeader(headerRows, width);
  const roles: Array<Role | null> = labels.map((l) => (l === '' ? null : roleOf(l)));
  const kinds = new Map<number, Kind>();
  for (const r of usable.slice(0, start)) kinds.set(r.number, 'title');
  for (const n of asked) if (rows.some((r) => r.number === n)) kinds.set(n, 'asked');
  let body = usable.slice(end);
  if (!options.plain && body.length > 0 && isColumnNumbers(body[0])) {
    kinds.set(body[0].number, 'column_numbers');
    body = body.slice(1);
  }
  const figures = roles.map((r) => r === null || r === 'metric' || r === 'value');
  const firstText = (r: GridRow) =>
    r.cells.find((c, i) => c !== null && roles[i] !== 'ignore' && !isNumberish(c))?.trim() ?? '';
  const hasFigures = (r: GridRow) => r.cells.some((c, i) => figures[i] && isNumberish(c));
  let footer = false;
  for (const r of body) {
    const label = firstText(r);
    const order = r.cells.find((c, i) => roles[i] === 'ignore' && c !== null)?.trim() ?? '';
    const signs = r.cells.some(
      (c) =>
        c !== null && (SIGN_TITLE.test(c.trim()) || SIGNATURE.test(c.trim()) || DATE_LINE.test(c)),
    );
    if (options.plain) kinds.set(r.number, 'data');
    else if ((signs || footer) && !hasFigures(r)) {
      footer = true;
      kinds.set(r.number, 'signature');
    } else if (TOTAL.test(label) || TOTAL.test(order)) kinds.set(r.number, 'total');
    else if (
      ROMAN.test(order) ||
      LETTER.test(order) ||
      // "I. Khu vực I" without figures nor a row number, in a form with an STT column; never a
      // unit abbreviated "X. Tân An" (Xã), "Q. Ba Đình" (Quận)
      (/^[IVX]+[.)]\s/.test(label) && !hasFigures(r) && order === '' && roles.includes('ignore')) ||
      (!hasFigures(r) && order !== '' && !/^\d+$/.test(order)) ||
      (!hasFigures(r) && order === '' && roles.includes('ignore'))
    ) {
      kinds.set(r.number, 'group');
    } else kinds.set(r.number, 'data');
  }
  const data = body.filter((r) => kinds.get(r.number) === 'data');
  checkTotals(file, body, kinds, labels, roles, grid.columnLetters, warnings);
  for (const r of data) {
    r.mergedFrom?.forEach((master, c) => {
      if (master === null || master === undefined) return;
      const col = labels[c] || columnLetter(c + 1);
      errors.push(
        errorAt(file, r.number, col, r.cells[c], 'merged_cell', {
          en: `cell ${columnLetter(c + 1)}${r.number} is merged with ${master}: each cell must hold its own value`,
          vi: `Ô ${columnLetter(c + 1)}${r.number} được gộp với ô ${master}: mỗi ô phải có số liệu riêng — bỏ gộp ô`,
        }),
      );
    });
  }
  // a column with neither a label nor a value (the form's right margin) is not a column
  const kept = labels
    .map((_, c) => c)
    .filter((c) => labels[c] !== '' || data.some((r) => (r.cells[c] ?? '') !== ''));
  for (const kind of Object.keys(SKIPPED)) {
    const skipped = [...kinds].filter(([, k]) => k === kind).map(([n]) => n);
    if (skipped.length > 0) notes.push(note(file, `skipped_${kind}`, skipped, ...SKIPPED[kind]));
  }
  if (headerRows.length > 1 || start > 0) {
    const n = headerRows.map((r) => r.number);
    notes.unshift(note(file, 'header_rows', n, 'header read from', 'đọc tiêu đề cột từ'));
  }
  // a merged title repeats its text in every cell it spans: each row's distinct texts
  const titleLines = usable.slice(0, start).map((r) => [...new Set(text(r))].join(' '));
  return {
    header: kept.map((c) => labels[c]),
    rows: data.map((r) => ({ number: r.number, values: kept.map((c) => r.cells[c] ?? null) })),
    headerRows: headerRows.map((r) => r.number),
    notes,
    warnings,
    errors,
    period: periodOf(titleLines, grid.sheet),
    plain:
      start === 0 &&
      headerRows.length === 1 &&
      [...kinds.values()].every((k) => k === 'data') &&
      first === rows[0],
  };
}

function empty(errors: Problem[]): Table {
  return {
    header: [],
    rows: [],
    headerRows: [],
    notes: [],
    warnings: [],
    errors,
    period: null,
    plain: errors.length === 0,
  };
}

/** The sheet's name first (a workbook of months), then the title's words. */
function periodOf(lines: string[], sheet: string | undefined): Table['period'] {
  const line = lines.find((l) => statedPeriod(l) !== null);
  const fromTitle = line === undefined ? null : statedPeriod(line);
  const year = fromTitle?.slice(0, 4);
  const fromSheet = sheet ? statedPeriod(sheet, year ? Number(year) : undefined) : null;
  if (fromSheet && sheet) return { value: fromSheet, from: 'sheet', text: sheet };
  if (fromTitle && line) return { value: fromTitle, from: 'title', text: line.slice(0, 200) };
  return null;
}

/**
 * Each total row against the rows it totals: "Cộng" and a group row with figures total their
 * group (the rows between two group rows), the others ("Tổng cộng", "Toàn tỉnh") every data row.
 */
function checkTotals(
  file: string,
  body: GridRow[],
  kinds: Map<number, Kind>,
  labels: string[],
  roles: Array<Role | null>,
  letters: boolean,
  warnings: Problem[],
): void {
  const groups: GridRow[][] = [[]];
  for (const r of body) {
    const k = kinds.get(r.number);
    if (k === 'group') groups.push([]);
    else if (k === 'data') groups[groups.length - 1].push(r);
  }
  const groupOf = (row: GridRow): GridRow[] => {
    let g = 0;
    for (const r of body) {
      if (kinds.get(r.number) === 'group') g++;
      if (r === row) break;
    }
    return groups[g] ?? [];
  };
  const all = groups.flat();
  for (const r of body) {
    const k = kinds.get(r.number);
    const name = r.cells.find((c, i) => c !== null && roles[i] !== 'ignore' && !isNumberish(c));
    if (k !== 'total' && !(k === 'group' && r.cells.some((c, i) => !roles[i] && isNumberish(c))))
      continue;
    const sub = k === 'group' || /^cộng/iu.test((name ?? '').trim());
    const totalled = sub ? groupOf(r) : all;
    if (totalled.length === 0) continue;
    for (let c = 0; c < labels.length; c++) {
      if (roles[c] !== null && roles[c] !== 'metric' && roles[c] !== 'value') continue;
      const total = formNumber(r.cells[c] ?? null);
      if (total === null) continue;
      const values = totalled.map((d) => formNumber(d.cells[c] ?? null));
      // a figure that is not a number is the numbers stage's to report, not a total's
      const blank = (t: string | null) => t === null || t.trim() === '' || t.trim() === '-';
      if (values.some((v, i) => v === null && !blank(totalled[i].cells[c] ?? null))) continue;
      const sum = values.reduce<number>((a, v) => a + (v ?? 0), 0);
      if (Math.abs(sum - total) <= 0.5 + 1e-9 * Math.abs(total)) continue;
      const col = labels[c] || (letters ? columnLetter(c + 1) : `#${c + 1}`);
      const span = rowList(totalled.map((d) => d.number));
      const label = (name ?? '').trim();
      warnings.push({
        file,
        row: r.number,
        column: col,
        value: r.cells[c] ?? null,
        rule: 'total_mismatch',
        message: `row ${r.number} "${label}" says ${total} in column «${col}», but rows ${span} add up to ${sum}: check the total row or the figures`,
        vi: `Dòng ${r.number} «${label}» ghi ${total} ở cột «${col}», nhưng cộng các dòng ${span} được ${sum}: kiểm tra lại dòng tổng hoặc số liệu`,
        severity: 'warning',
      });
    }
  }
}
