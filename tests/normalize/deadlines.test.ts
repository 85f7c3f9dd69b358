import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDeadline } from '../../pipelines/normalize/deadlines.ts';
import { lastDayOfMonth } from '../../pipelines/normalize/calendar.ts';

describe('parseDeadline: the forms printed in the seed plans', () => {
  const cases: Array<[string, string, string | null, string[], string[]?]> = [
    ['Tháng 3/2022', 'due', '2022-03-31', ['2022-03-31']],
    ['tháng 01/2023', 'due', '2023-01-31', ['2023-01-31']],
    ['Tháng 02/2024', 'due', '2024-02-29', ['2024-02-29']],
    ['Quý II/2024', 'due', '2024-06-30', ['2024-06-30']],
    ['Quý I/2023', 'due', '2023-03-31', ['2023-03-31']],
    ['Quý III năm 2024', 'due', '2024-09-30', ['2024-09-30']],
    ['Năm 2022', 'due', '2022-12-31', ['2022-12-31']],
    ['Trong năm 2024', 'due', '2024-12-31', ['2024-12-31']],
    ['trong tháng 4 năm 2024', 'due', '2024-04-30', ['2024-04-30']],
    ['Tháng 06 và tháng 12/2024', 'due', '2024-12-31', ['2024-06-30', '2024-12-31']],
    ['quý II năm 2024 và quý III năm 2024', 'due', '2024-09-30', ['2024-06-30', '2024-09-30']],
    ['Quý I, II/2024', 'due', '2024-06-30', ['2024-03-31', '2024-06-30']],
    ['trước ngày 08/02/2024', 'due', '2024-02-08', ['2024-02-08']],
    ['hoàn thành trong tháng 03/2022', 'due', '2022-03-31', ['2022-03-31']],
    ['6 tháng đầu năm 2024', 'due', '2024-06-30', ['2024-06-30']],
    ['từ ngày 01/6/2022', 'from', null, ['2022-06-01']],
    [
      'cấp TP từ ngày 01/12/2022; cấp phường, xã từ ngày 01/6/2023',
      'from',
      null,
      ['2022-12-01', '2023-06-01'],
    ],
    ['Tại Bộ phận một cửa cấp xã từ ngày 01 tháng 6 năm 2023', 'from', null, ['2023-06-01']],
    ['Bắt đầu triển khai từ tháng 06/2022', 'from', null, ['2022-06-01']],
    [
      'Hoàn thành các chỉ tiêu cấp Căn cước công dân trong Quý I/2022; bắt đầu từ Quý II/2022 duy trì thực hiện thường xuyên',
      'due',
      '2022-03-31',
      ['2022-03-31'],
      ['ongoing', 'from'],
    ],
    [
      'Trong quý II năm 2024 và thực hiện thường xuyên',
      'due',
      '2024-06-30',
      ['2024-06-30'],
      ['ongoing'],
    ],
    [
      'Trong năm 2024 và theo tiến độ triển khai của Trung ương',
      'due',
      '2024-12-31',
      ['2024-12-31'],
      ['conditional'],
    ],
    [
      'Thực hiện theo lộ trình của Bộ Công an, Công an tỉnh, Công an huyện',
      'conditional',
      null,
      [],
    ],
    ['Thường xuyên', 'ongoing', null, []],
    ['định kỳ hàng quý', 'ongoing', null, []],
    ['thường xuyên, theo lộ trình, kế hoạch và hướng dẫn của Bộ Tài chính', 'ongoing', null, []],
    [
      'thường xuyên trong năm 2024 và các năm tiếp theo',
      'due',
      '2024-12-31',
      ['2024-12-31'],
      ['ongoing'],
    ],
    ['thực hiện thường xuyên', 'ongoing', null, []],
    ['Theo tiến độ của Trung ương', 'conditional', null, []],
    ['ngay sau khi có hướng dẫn của Bộ', 'conditional', null, []],
    ['Theo lịch của Tổ Công tác Đề án 06 thành phố', 'conditional', null, []],
    ['tháng 3', 'unknown', null, []],
    ['Tháng 13/2022', 'unknown', null, []],
    ['31/02/2024', 'unknown', null, []],
  ];
  it.each(cases)('%s', (text, kind, due, milestones, qualifiers = []) => {
    const d = parseDeadline(text);
    expect(d).toEqual({ text, kind, due_on: due, milestones, qualifiers });
  });

  it('keeps the printed text, NFC and trimmed, whatever the kind', () => {
    const nfd = '  Quý II/2024 '.normalize('NFD');
    expect(parseDeadline(nfd).text).toBe('Quý II/2024');
  });
});

const QUARTERS = ['I', 'II', 'III', 'IV'];

describe('parseDeadline: laws', () => {
  const year = fc.integer({ min: 2000, max: 2099 });
  const month = fc.integer({ min: 1, max: 12 });

  it('"Tháng m/y" is due on the last day of that month, however it is written', () => {
    fc.assert(
      fc.property(year, month, fc.boolean(), fc.boolean(), (y, m, zero, upper) => {
        const mm = zero ? String(m).padStart(2, '0') : String(m);
        const text = `${upper ? 'THÁNG' : 'tháng'} ${mm}/${y}`;
        const d = parseDeadline(text);
        expect(d.kind).toBe('due');
        expect(d.due_on).toBe(lastDayOfMonth(y, m));
      }),
    );
  });

  it('"Quý q/y" is due on the last day of the quarter\'s third month', () => {
    fc.assert(
      fc.property(year, fc.integer({ min: 1, max: 4 }), (y, q) => {
        const d = parseDeadline(`Quý ${QUARTERS[q - 1]}/${y}`);
        expect(d.due_on).toBe(lastDayOfMonth(y, q * 3));
      }),
    );
  });

  it('the due date is the latest milestone and every milestone is a real date', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(month, year), { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([m, y]) => `tháng ${m}/${y}`).join(' và ');
        const d = parseDeadline(text);
        expect(d.kind).toBe('due');
        expect(d.milestones).toHaveLength(parts.length);
        expect(d.due_on).toBe([...d.milestones].sort().at(-1));
        for (const day of d.milestones)
          expect(new Date(`${day}T00:00:00Z`).toISOString()).toContain(day);
      }),
    );
  });

  it('is blind to Unicode normalisation form and surrounding blanks', () => {
    fc.assert(
      fc.property(year, month, (y, m) => {
        const text = `Trong tháng ${m} năm ${y}`;
        const a = parseDeadline(text);
        const b = parseDeadline(`  ${text.normalize('NFD')}  `);
        expect(b.due_on).toBe(a.due_on);
        expect(b.text).toBe(a.text);
      }),
    );
  });

  it('never throws and always keeps the text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const d = parseDeadline(s);
        expect(d.text).toBe(s.normalize('NFC').replace(/\s+/g, ' ').trim());
        if (d.kind !== 'due') expect(d.due_on).toBeNull();
      }),
    );
  });
});
