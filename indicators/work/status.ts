// The progress of a plan's work items (tasks and essential procedures) as values: the status
// words, one recorded change, which change is current on a date, what is overdue, and the checks
// every change passes whichever way it arrives (HTTP, a bulk file, the demo). Pure: no database.
import { isIsoDate } from '../../pipelines/normalize/calendar.ts';
import { formatPeriod, parsePeriod } from '../../pipelines/normalize/periods.ts';
import { matchKey } from '../../pipelines/normalize/text.ts';

export const STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

/** What a plan lists whose progress is recorded. */
export type WorkKind = 'task' | 'procedure';
export const WORK_KINDS: readonly WorkKind[] = ['task', 'procedure'];

/** Neither done nor cancelled: still owed, so overdue once its due date has passed. */
export const isOpen = (status: string): boolean => status === 'planned' || status === 'in_progress';

/** Due before `today` (ISO) and still open (DESIGN.md §5.1). */
export const isOverdue = (dueOn: string | null, status: string, today: string): boolean =>
  dueOn !== null && dueOn < today && isOpen(status);

/** The Vietnamese words a planner may write for a status in a bulk file, by matchKey. */
const WORDS: Record<Status, string[]> = {
  planned: ['chưa thực hiện', 'chưa triển khai', 'kế hoạch', 'chưa bắt đầu'],
  in_progress: ['đang thực hiện', 'đang triển khai', 'đang làm'],
  done: ['hoàn thành', 'đã hoàn thành', 'xong'],
  cancelled: ['đã hủy', 'hủy', 'hủy bỏ', 'không thực hiện', 'dừng thực hiện'],
};
const BY_WORD = new Map<string, Status>([
  ...STATUSES.map((s) => [s, s] as [string, Status]),
  ...STATUSES.map((s) => [s.replace('_', ' '), s] as [string, Status]),
  ...STATUSES.flatMap((s) => WORDS[s].map((w) => [matchKey(w), s] as [string, Status])),
]);

/** A status from its id ("done") or a Vietnamese word ("Hoàn thành", "Đã huỷ"); null if neither. */
export function readStatus(text: string): Status | null {
  const key = matchKey(text);
  return BY_WORD.get(key) ?? BY_WORD.get(key.replace(/[-\s]+/g, '_')) ?? null;
}

/** A day as written in a file: 2025-03-31, 31/03/2025, "ngày 31 tháng 3 năm 2025"; else null. */
export function readDay(text: string): string | null {
  const trimmed = text.trim();
  if (isIsoDate(trimmed)) return trimmed;
  const p = parsePeriod(trimmed);
  return p && p.grain === 'day' ? formatPeriod(p) : null;
}

/** An evidence link: an absolute http or https URL, nothing else (no javascript:, no file:). */
export function isEvidenceUrl(text: string): boolean {
  if (text.length > 2000 || /\s/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false; // not a URL at all
  }
}

export const NOTE_MAX = 2000;

/** One recorded change, as history keeps it. */
export interface StatusEntry {
  status: Status;
  /** the day the status took effect (ISO) */
  as_of: string;
  note: string | null;
  evidence_url: string | null;
  recorded_by: string;
  /** when it was recorded (ISO, UTC) */
  recorded_at: string;
  /** the order of recording: breaks ties of as_of and recorded_at */
  entry_id: number;
}

/**
 * The change in force on `date` (ISO; default: the latest of all): the last by as_of, then
 * recorded_at, then entry_id, among those that had taken effect by then. Null: none had.
 */
export function statusOn<E extends Pick<StatusEntry, 'as_of' | 'recorded_at' | 'entry_id'>>(
  entries: readonly E[],
  date?: string,
): E | null {
  let best: E | null = null;
  for (const e of entries) {
    if (date !== undefined && e.as_of > date) continue;
    if (
      best === null ||
      e.as_of > best.as_of ||
      (e.as_of === best.as_of &&
        (e.recorded_at > best.recorded_at ||
          (e.recorded_at === best.recorded_at && e.entry_id > best.entry_id)))
    ) {
      best = e;
    }
  }
  return best;
}

/** What a change is checked against: today, and the day the item's plan was issued. */
export interface EntryContext {
  /** today in Vietnam (ISO) */
  today: string;
  /** the plan's date (its issue date, else the first day of the year it names); null: unknown */
  planDate: string | null;
  plan_id: string;
}

export type EntryRule = 'as_of' | 'as_of_future' | 'as_of_before_plan' | 'evidence_url' | 'note';

export interface EntryProblem {
  rule: EntryRule;
  column: 'as_of' | 'evidence_url' | 'note';
  message: string;
}

/** The problems of a change's date, note and link (its status and item are read before). */
export function checkEntry(
  entry: { as_of: string; note: string | null; evidence_url: string | null },
  context: EntryContext,
): EntryProblem[] {
  const problems: EntryProblem[] = [];
  if (!isIsoDate(entry.as_of)) {
    problems.push({
      rule: 'as_of',
      column: 'as_of',
      message: `invalid as_of: ${entry.as_of} (a day, YYYY-MM-DD)`,
    });
  } else if (entry.as_of > context.today) {
    problems.push({
      rule: 'as_of_future',
      column: 'as_of',
      message: `as_of ${entry.as_of} is in the future (today is ${context.today} in Vietnam)`,
    });
  } else if (context.planDate !== null && entry.as_of < context.planDate) {
    problems.push({
      rule: 'as_of_before_plan',
      column: 'as_of',
      message: `as_of ${entry.as_of} is before plan ${context.plan_id} was issued (${context.planDate})`,
    });
  }
  if (entry.evidence_url !== null && !isEvidenceUrl(entry.evidence_url)) {
    problems.push({
      rule: 'evidence_url',
      column: 'evidence_url',
      message: `invalid evidence_url: an http or https link (at most 2000 characters)`,
    });
  }
  if (entry.note !== null && entry.note.length > NOTE_MAX) {
    problems.push({
      rule: 'note',
      column: 'note',
      message: `note is ${entry.note.length} characters long; at most ${NOTE_MAX}`,
    });
  }
  return problems;
}

/** done / (all − cancelled): a cancelled item is no longer owed; null when nothing is owed. */
export function completionRate(counts: { total: number; done: number; cancelled: number }) {
  const owed = counts.total - counts.cancelled;
  return owed > 0 ? Math.round((1000 * counts.done) / owed) / 10 : null;
}
