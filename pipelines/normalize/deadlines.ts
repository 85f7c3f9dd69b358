// Vietnamese deadlines as printed in plans ("Tháng 3/2022", "Quý II/2024", "Thường xuyên" …)
// parsed into due dates. The printed text is always kept; a form we cannot date is never dropped.

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
}

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

const pad = (n: number) => String(n).padStart(2, '0');

export function lastDayOfMonth(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(day)}`;
}

function isoDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > Number(lastDayOfMonth(year, month).slice(8))) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

const ONGOING = /^(thường xuyên|hằng năm|hàng năm|định kỳ|liên tục|hằng tháng|hàng tháng)\b/;
const CONDITIONAL =
  /(theo tiến độ|ngay sau khi|sau khi|khi có|theo lịch|theo yêu cầu|theo hướng dẫn|theo chỉ đạo|theo kế hoạch)/;

/** A span of text that names one or more periods; `year` may be missing and borrowed later. */
interface Piece {
  at: number;
  ends: Array<{ month: number; day?: number; year?: number }>;
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
  const from = (m: RegExpExecArray) => /từ\s*(ngày)?\s*$/.test(text.slice(0, m.index));
  // full dates: 08/02/2024, ngày 01/6/2022, 01-6-2022
  scan(/(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})/g, (m) => ({
    ends: [{ day: Number(m[1]), month: Number(m[2]), year: Number(m[3]) }],
    from: from(m),
  }));
  // "6 tháng đầu năm 2024", "6 tháng cuối năm 2024"
  scan(/6 tháng (đầu|cuối) năm\s*(\d{4})/g, (m) => ({
    ends: [{ month: m[1] === 'đầu' ? 6 : 12, year: Number(m[2]) }],
    from: false,
  }));
  // quarters: "quý II/2024", "quý i năm 2023", "quý i, ii/2024", "quý iii và quý iv năm 2024"
  scan(
    /quý\s+((?:iv|iii|ii|i)(?:\s*(?:,|và|-)\s*(?:quý\s+)?(?:iv|iii|ii|i))*)\b(?:\s*(?:\/|năm)\s*(\d{4}))?/g,
    (m) => {
      const year = m[2] ? Number(m[2]) : undefined;
      const quarters = m[1].split(/\s*(?:,|và|-)\s*(?:quý\s+)?/).map((q) => ROMAN[q.trim()]);
      return { ends: quarters.map((q) => ({ month: q * 3, year })), from: false };
    },
  );
  // months: "tháng 3/2022", "tháng 06 và tháng 12/2024", "trong tháng 4 năm 2024", "tháng 3, 4/2022"
  scan(
    /tháng\s+(\d{1,2}(?:\s*(?:,|và|-)\s*(?:tháng\s+)?\d{1,2})*)(?:\s*(?:\/|năm)\s*(\d{4}))?/g,
    (m) => {
      const year = m[2] ? Number(m[2]) : undefined;
      const months = m[1].split(/\s*(?:,|và|-)\s*(?:tháng\s+)?/).map(Number);
      if (months.some((mo) => mo < 1 || mo > 12)) return null;
      return { ends: months.map((month) => ({ month, year })), from: false };
    },
  );
  // bare month/year: "3/2022"
  scan(/\b(\d{1,2})\/(\d{4})\b/g, (m) =>
    Number(m[1]) >= 1 && Number(m[1]) <= 12
      ? { ends: [{ month: Number(m[1]), year: Number(m[2]) }], from: false }
      : null,
  );
  // years: "năm 2022", "trong năm 2024", "2022 - 2025", "giai đoạn 2022-2025"
  scan(/\b(20\d{2})(?:\s*[-–]\s*(20\d{2}))?\b/g, (m) => ({
    ends: [{ month: 12, year: Number(m[2] ?? m[1]) }],
    from: from(m),
  }));
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
  const found = pieces(lower);
  if (found === null) return { text, kind: 'unknown', due_on: null, milestones: [] };

  if (found.length === 0) {
    if (ONGOING.test(lower)) return { text, kind: 'ongoing', due_on: null, milestones: [] };
    if (CONDITIONAL.test(lower)) return { text, kind: 'conditional', due_on: null, milestones: [] };
    return { text, kind: 'unknown', due_on: null, milestones: [] };
  }

  // a year written once at the end serves every period before it: "tháng 06 và tháng 12/2024"
  const flat = found.flatMap((p) => p.ends.map((e) => ({ ...e, from: p.from })));
  let nextYear: number | undefined;
  for (let i = flat.length - 1; i >= 0; i--) {
    if (flat[i].year === undefined) flat[i].year = nextYear;
    else nextYear = flat[i].year;
  }
  if (flat.some((e) => e.year === undefined)) {
    return { text, kind: 'unknown', due_on: null, milestones: [] };
  }
  const dates: string[] = [];
  for (const e of flat) {
    const date =
      e.day === undefined
        ? lastDayOfMonth(e.year as number, e.month)
        : isoDate(e.year as number, e.month, e.day);
    if (date === null) return { text, kind: 'unknown', due_on: null, milestones: [] };
    dates.push(date);
  }
  if (flat.every((e) => e.from)) {
    return { text, kind: 'from', due_on: null, milestones: dates };
  }
  const due = flat.flatMap((e, i) => (e.from ? [] : [dates[i]]));
  const last = due.reduce((a, b) => (a > b ? a : b));
  return { text, kind: 'due', due_on: last, milestones: due };
}
