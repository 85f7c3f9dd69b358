// The readers under ingest: encodings, delimiters, and the line a record starts on, checked
// against DuckDB's own reader on generated files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../pipelines/db/connect.ts';
import { DecodeError, decode, detectEncoding, invalidUtf8At } from '../../pipelines/read/decode.ts';
import {
  detectDelimiter,
  LineCounter,
  shiftsOf,
  shiftsOfFile,
  sniff,
  SniffError,
} from '../../pipelines/read/sniff.ts';
import { columnLetter } from '../../pipelines/read/xlsx.ts';
import { tempDir } from '../helpers.ts';
import { fixture } from '../fixtures/ingest/harness.ts';

/** The line of record `rec` (1-based) under a list of shifts. */
function lineOf(rec: number, shifts: Array<[number, number]>): number {
  let extra = 0;
  for (const [r, k] of shifts) if (r <= rec) extra = k;
  return rec + 1 + extra;
}

describe('encodings', () => {
  it('reads UTF-8 cut in the middle of a character as UTF-8 (a 1 MiB sample ends anywhere)', () => {
    const bytes = Buffer.from('unit_name\nThành phố Hồ Chí Minh\n');
    const cut = bytes.subarray(0, bytes.indexOf(Buffer.from('ồ')) + 1);
    expect(invalidUtf8At(cut, true)).toBe(-1);
    expect(detectEncoding(cut, true)).toEqual({ encoding: 'utf-8', bom: false });
    // the same bytes as a whole file end in a broken character
    expect(invalidUtf8At(cut)).toBe(cut.length - 1);
  });

  it('knows BOMs, and reads other bytes as Windows-1258', () => {
    expect(detectEncoding(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toEqual({
      encoding: 'utf-8',
      bom: true,
    });
    expect(detectEncoding(Uint8Array.of(0xff, 0xfe, 0x61, 0))).toEqual({
      encoding: 'utf-16le',
      bom: true,
    });
    expect(detectEncoding(Uint8Array.of(0xfe, 0xff, 0, 0x61))).toEqual({
      encoding: 'utf-16be',
      bom: true,
    });
    // "Hoà" in Windows-1258: H o a and a combining grave accent (0xCC)
    expect(detectEncoding(Uint8Array.of(0x48, 0x6f, 0x61, 0xcc))).toEqual({
      encoding: 'windows-1258',
      bom: false,
    });
  });

  it('decodes Windows-1258 combining tones to NFC and says it normalised', () => {
    const d = decode(Uint8Array.of(0x48, 0x6f, 0xcc, 0x61), 'windows-1258');
    expect(d).toEqual({ text: 'Hòa', encoding: 'windows-1258', bom: false, normalized: true });
    expect(decode(Buffer.from('Hòa')).normalized).toBe(false);
  });

  it('refuses damaged UTF-8 instead of reading it as Windows-1258', () => {
    const bytes = Buffer.concat([Buffer.from('Hà Nội\nKi'), Uint8Array.of(0xea), Buffer.from('n')]);
    expect(() => decode(bytes)).toThrow(DecodeError);
    expect(() => decode(bytes)).toThrow('not valid UTF-8 at line 2 (byte 0xEA)');
  });
});

describe('delimiters', () => {
  it('finds tab, semicolon and comma', () => {
    expect(
      detectDelimiter(['unit_code\tperiod\tmetric\tvalue', '01\t2024-07\tpopulation\t1,5']),
    ).toBe('\t');
    expect(detectDelimiter(['unit_code;period;value', '01;2024-07;1,5'])).toBe(';');
    expect(detectDelimiter(['unit_code,period,value', '01,2024-07,"1,5"'])).toBe(',');
  });

  it('does not take a comma inside a label for the delimiter of a semicolon file', () => {
    expect(
      detectDelimiter(['unit_name;Số giao dịch thanh toán phí, lệ phí TTHC', 'Hà Nội;1.234']),
    ).toBe(';');
  });
});

describe('record lines', () => {
  it('counts blank lines and line breaks inside quotes, CR, LF or CRLF', () => {
    const text = 'h1,h2\r\n1,"a\r\nb"\r\n\r\n2,x\n\n\n3,"say ""hi""\n"\r4,y\n';
    const counter = new LineCounter(',');
    counter.feed(Buffer.from(text));
    // records 1–4 start on lines 2, 5, 8, 10
    expect([1, 2, 3, 4].map((r) => lineOf(r, counter.shifts))).toEqual([2, 5, 8, 10]);
  });

  it('reads a quote inside an unquoted field as a character, as DuckDB does', () => {
    const counter = new LineCounter(',');
    counter.feed(Buffer.from('h1,h2\n1,2"x\n3,4\n'));
    expect(counter.shifts).toEqual([]);
  });

  /** A generated CSV whose first field says on which line its record starts. */
  const csvFile = fc
    .record({
      newline: fc.constantFrom('\n', '\r\n'),
      records: fc.array(
        fc.record({
          blankBefore: fc.nat(2),
          note: fc.oneof(
            fc.constant(''),
            fc.constantFrom('dòng 1\ndòng 2', 'a,b', 'say "hi"', 'x\r\ny\nz', 'Hòa'),
          ),
        }),
        { minLength: 1, maxLength: 30 },
      ),
    })
    .map(({ newline, records }) => {
      let text = `line,note${newline}`;
      let line = 2;
      for (const r of records) {
        text += newline.repeat(r.blankBefore);
        line += r.blankBefore;
        const quoted = /[",\r\n]/.test(r.note) ? `"${r.note.replace(/"/g, '""')}"` : r.note;
        text += `${line},${quoted}${newline}`;
        line += 1 + (r.note.match(/\r\n|\n|\r/g) ?? []).length;
      }
      return text;
    });

  let dir: string;
  let cleanup: () => void;
  let db: Database;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    db = await Database.open(':memory:');
  });
  afterAll(() => {
    db.close();
    cleanup();
  });

  it('agrees with DuckDB on the line of every record (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(csvFile, async (text) => {
        const path = join(dir, `gen-${n++}.csv`);
        writeFileSync(path, text);
        const shifts = shiftsOf(Buffer.from(text), ',');
        const rows = await db.all<{ rec: string; line: string }>(
          `select row_number() over () as rec, c1 as line
           from read_csv('${path}', header = true, auto_detect = false,
             columns = {'c1': 'VARCHAR', 'c2': 'VARCHAR'}, delim = ',', quote = '"', escape = '"')`,
        );
        expect(rows.map((r) => lineOf(Number(r.rec), shifts))).toEqual(
          rows.map((r) => Number(r.line)),
        );
        // the path for files too large to hold in memory, read in chunks of a few bytes
        expect(shiftsOfFile(path, ',', 5)).toEqual(shifts);
      }),
      { numRuns: 40 },
    );
  });

  it('leaves large UTF-8 files where they are and still numbers their lines', () => {
    const path = fixture('blank-lines-and-multiline-notes.csv');
    const whole = sniff(path, dir, 'x.csv');
    const streamed = sniff(path, dir, 'x.csv', undefined, 0);
    expect(streamed.utf8Path).toBe(path);
    expect(streamed.lineShifts).toEqual(whole.lineShifts);
    expect(streamed.lineShifts).toEqual([[2, 2]]);
    expect(streamed.header).toEqual(['unit_code', 'period', 'metric', 'value', 'note']);
  });

  it('refuses a large file that is not text before DuckDB sees it', () => {
    expect(() => sniff(fixture('binary-junk.bin'), dir, 'x', undefined, 0)).toThrow(SniffError);
  });
});

describe('spreadsheet columns', () => {
  it('are lettered as Excel letters them', () => {
    expect([1, 2, 26, 27, 52, 53, 702, 703].map(columnLetter)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });
});
