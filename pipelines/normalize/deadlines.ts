// Vietnamese deadlines as printed in plans ("Tháng 3/2022", "Quý II/2024", "Thường xuyên" …)
// parsed into due dates. The printed text is always kept; a form we cannot date is never dropped.
import { daysInMonth, lastDayOfMonth } from './calendar.ts';

export type DeadlineKind =
  /** one or more dated periods; due_on is the end of the last one */
  | 'due'
  /** "từ ngày 01/6/2022": an obligation that starts on a date and then continues */
  | 'from'
  /** "Thường xuyên", "Hằng năm": continuous work with no end date */
  | 'ongoing'
  /** "Theo tiến độ …", "ngay sau khi có hướng dẫn …": depends on an outside event */
  | 'conditional'
  /** text we could not read: kept as printed and reported by plan validation */
  | 'unknown';

export interface Deadline {
  text: string;
  kind: DeadlineKind;
  /** ISO date (YYYY-MM-DD): the last day of the last period named, or null */
  due_on: string | null;
  /** every date the text names, in order: period ends for 'due', start dates for 'from' */
  milestones: string[];
  /**
   * what the text adds beside its dates: "… và thực hiện thường xuyên" (ongoing),
   * "… và theo tiến độ của Trung ương" (conditional), "bắt đầu từ Quý II/2022" (from)
   */
  qualifiers: Array<'ongoing' | 'conditional' | 'from'>;
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

const ONGOING =
  /(^|\s)(thường xuyên|hằng năm|hàng năm|hằng quý|hàng quý|định kỳ|liên tục|hằng tháng|hàng tháng)(?=[\s,;.]|$)/;
const CONDITIONAL =
  /(theo tiến độ|ngay sau khi|sau khi|khi có|theo lịch|theo yêu cầu|theo hướng dẫn|theo chỉ đạo|theo kế hoạch|theo lộ trình)/;

/** A span of text that names one or more periods; `year` may be missing and borrowed later. */
interface Piece {
  at: number;
  /** a day, or the first/last day of a month; `year` may be missing and borrowed later */
  ends: Array<{ month: number; day?: number; year?: number; edge: 'start' | 'end' }>;
  from: boolean;
}

/** The periods a text names, or null when it names one that cannot exist ("tháng 13/2022"). */
function pieces(text: string): Piece[] | null {
  const found: Piece[] = [];
  let invalid = false;
  const taken: Array<[number, number]> = [];
  const free = (start: number, end: number) => taken.every(([s, e]) => end <= s || start >= e);
  const scan = (re: RegExp, make: (m: RegExpExecArray) => Omit<Piece, 'at'> | null) => {
    for (const m of text.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!free(start, end)) continue;
      const piece = make(m);
      taken.push([start, end]);
      if (piece) found.push({ at: start, ...piece });
      else invalid = true;
    }
  };
  // "từ ngày 01/6/2022", "bắt đầu từ Quý II/2022", "từ tháng 06/2022": a start, not a deadline
  const from = (m: RegExpExecArray) => /từ\s*(ngày\s*)?(trong\s*)?$/.test(text.slice(0, m.index));
  const edge = (m: RegExpExecArray): 'start' | 'end' => (from(m) ? 'start' : 'end');
  // full dates: 08/02/2024, ngày 01/6/2022, 01-6-2022, ngày 01 tháng 6 năm 2023
  scan(/(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/g, (m) => ({
    ends: [{ day: Number(m[1]), month: Number(m[2]), year: Number(m[3]), edge: 'end' }],
    from: from(m),
  }));
  scan(/ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/g, (m) => ({
    ends: [{ day: Number(m[1]), month: Number(m[2]), year: Number(m[3]), edge: 'end' }],
    from: /từ\s*$/.test(text.slice(0, m.index)),
  }));
  // "6 tháng đầu năm 2024", "6 tháng cuối năm 2024"
  scan(/6 tháng (đầu|cuối) năm\s*(\d{4})/g, (m) => ({
    ends: [{ month: m[1] === 'đầu' ? 6 : 12, year: Number(m[2]), edge: 'end' }],
    from: false,
  }));
  // quarters: "quý II/2024", "quý i năm 2023", "quý i, ii/2024", "quý iii và quý iv năm 2024"
  scan(
    /quý\s+((?:iv|iii|ii|i)(?:\s*(?:,|và|-)\s*(?:quý\s+)?(?:iv|iii|ii|i))*)\b(?:\s*(?:\/|năm)\s*(\d{4}))?/g,
    (m) => {
      const year = m[2] ? Number(m[2]) : undefined;
      const quarters = m[1].split(/\s*(?:,|và|-)\s*(?:quý\s+)?/).map((q) => ROMAN[q.trim()]);
      const start = from(m);
      const ends = quarters.map((q) => ({ month: start ? q * 3 - 2 : q * 3, year, edge: edge(m) }));
      return { ends, from: start };
    },
  );
  // months: "tháng 3/2022", "tháng 06 và tháng 12/2024", "trong tháng 4 năm 2024", "tháng 3, 4/2022"
  scan(
    /tháng\s+(\d{1,2}(?:\s*(?:,|và|-)\s*(?:tháng\s+)?\d{1,2})*)(?:\s*(?:\/|năm)\s*(\d{4}))?/g,
    (m) => {
      const year = m[2] ? Number(m[2]) : undefined;
      const months = m[1].split(/\s*(?:,|và|-)\s*(?:tháng\s+)?/).map(Number);
      if (months.some((mo) => mo < 1 || mo > 12)) return null;
      return { ends: months.map((month) => ({ month, year, edge: edge(m) })), from: from(m) };
    },
  );
  // bare month/year: "3/2022"
  scan(/\b(\d{1,2})\/(\d{4})\b/g, (m) =>
    Number(m[1]) >= 1 && Number(m[1]) <= 12
      ? { ends: [{ month: Number(m[1]), year: Number(m[2]), edge: edge(m) }], from: from(m) }
      : null,
  );
  // years: "năm 2022", "trong năm 2024", "2022 - 2025", "giai đoạn 2022-2025"
  scan(/\b(20\d{2})(?:\s*[-–]\s*(20\d{2}))?\b/g, (m) =>
    from(m)
      ? { ends: [{ month: 1, year: Number(m[1]), edge: 'start' }], from: true }
      : { ends: [{ month: 12, year: Number(m[2] ?? m[1]), edge: 'end' }], from: false },
  );
  return invalid ? null : found.sort((a, b) => a.at - b.at);
}

/** Parse one printed deadline. Pure; never throws. */
export function parseDeadline(printed: string): Deadline {
  const text = printed.normalize('NFC').replace(/\s+/g, ' ').trim();
  const lower = text
    .toLowerCase()
    .replace(/[*()]/g, ' ')
    .replace(/[–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  const unknown: Deadline = { text, kind: 'unknown', due_on: null, milestones: [], qualifiers: [] };
  const found = pieces(lower);
  if (found === null) return unknown;
  const ongoing = ONGOING.test(lower);
  const conditional = CONDITIONAL.test(lower);

  if (found.length === 0) {
    if (ongoing) return { ...unknown, kind: 'ongoing' };
    if (conditional) return { ...unknown, kind: 'conditional' };
    return unknown;
  }

  // a year written once at the end serves every period before it: "tháng 06 và tháng 12/2024"
  const flat = found.flatMap((p) => p.ends.map((e) => ({ ...e, from: p.from })));
  let nextYear: number | undefined;
  for (let i = flat.length - 1; i >= 0; i--) {
    if (flat[i].year === undefined) flat[i].year = nextYear;
    else nextYear = flat[i].year;
  }
  const dates: string[] = [];
  for (const e of flat) {
    if (e.year === undefined) return unknown;
    const date =
      e.day !== undefined
        ? isoDate(e.year, e.month, e.day)
        : e.edge === 'start'
          ? isoDate(e.year, e.month, 1)
          : lastDayOfMonth(e.year, e.month);
    if (date === null) return unknown;
    dates.push(date);
  }
  const qualifiers: Deadline['qualifiers'] = [];
  if (ongoing) qualifiers.push('ongoing');
  if (conditional) qualifiers.push('conditional');
  if (flat.every((e) => e.from)) {
    return { text, kind: 'from', due_on: null, milestones: dates, qualifiers };
  }
  if (flat.some((e) => e.from)) qualifiers.push('from');
  const due = flat.flatMap((e, i) => (e.from ? [] : [dates[i]]));
  const last = due.reduce((a, b) => (a > b ? a : b));
  return { text, kind: 'due', due_on: last, milestones: due, qualifiers };
}
