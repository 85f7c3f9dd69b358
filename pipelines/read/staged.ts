// The staged CSV that JSON records and spreadsheet sheets are turned into, so that one DuckDB
// path reads and validates every format: UTF-8, comma-separated, and a first column holding the
// row's number in its source (a JSON record, a sheet row).
import { writeFileSync } from 'node:fs';
import type { Sniffed } from './sniff.ts';

const field = (v: string | null) =>
  v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;

export class StagedCsv {
  private readonly lines: string[];

  constructor(readonly header: string[]) {
    this.lines = [['__row', ...header].map(field).join(',')];
  }

  get rows(): number {
    return this.lines.length - 1;
  }

  add(row: number, values: Array<string | null>): void {
    this.lines.push([String(row), ...values.map(field)].join(','));
  }

  write(path: string, file: string, headerRow: number | null, columnLetters: boolean): Sniffed {
    writeFileSync(path, `${this.lines.join('\n')}\n`);
    return {
      file,
      encoding: 'utf-8',
      delimiter: ',',
      header: this.header,
      headerRow,
      utf8Path: path,
      rowColumn: true,
      lineShifts: [],
      columnLetters,
    };
  }
}
