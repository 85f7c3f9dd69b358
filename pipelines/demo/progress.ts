// The demo's task and procedure progress (pure, deterministic): for some items of the plans, a
// status change or two as a planner would record them — most items due in the past done around
// their due date (some late), some in progress, a few cancelled, the rest left open (overdue).
// Each item's draw depends only on the seed and its own key. Labelled synthetic in every note.
import { addDays, dayNumber } from '../normalize/calendar.ts';
import { Rng } from './random.ts';

export interface ProgressItem {
  kind: 'task' | 'procedure';
  plan_id: string;
  seq: number;
  due_on: string | null;
  /** the plan's date: no change may precede it */
  plan_date: string | null;
}

export interface ProgressChange {
  kind: ProgressItem['kind'];
  plan_id: string;
  seq: number;
  status: 'in_progress' | 'done' | 'cancelled';
  as_of: string;
  note: string;
}

const NOTE = {
  in_progress: 'Đang triển khai — dữ liệu mô phỏng (synthetic demo)',
  done: 'Đã hoàn thành — dữ liệu mô phỏng (synthetic demo)',
  cancelled: 'Không thực hiện nữa — dữ liệu mô phỏng (synthetic demo)',
} as const;

/** A day between `from` and `to` (both ISO, from ≤ to), drawn uniformly. */
const between = (rng: Rng, from: string, to: string) =>
  addDays(from, rng.int(0, Math.max(0, dayNumber(to) - dayNumber(from))));

const clamp = (day: string, from: string, to: string) => (day < from ? from : day > to ? to : day);

/** The changes for `items` as of `asOf` (ISO): none dated after it or before the item's plan. */
export function demoProgress(
  items: readonly ProgressItem[],
  seed: number,
  asOf: string,
): ProgressChange[] {
  const out: ProgressChange[] = [];
  for (const item of items) {
    const rng = new Rng(seed, 'progress', item.kind, item.plan_id, String(item.seq));
    const start = item.plan_date ?? addDays(asOf, -365);
    if (start > asOf) continue;
    const change = (status: ProgressChange['status'], as_of: string) =>
      out.push({ ...item, status, as_of: clamp(as_of, start, asOf), note: NOTE[status] });
    const draw = rng.random();
    if (item.due_on !== null && item.due_on < asOf) {
      // due already: about a third done (some a few weeks late), a few under way or dropped
      if (draw < 0.35) {
        const done = clamp(addDays(item.due_on, rng.int(-30, 45)), start, asOf);
        // under way some time before it was done
        if (rng.chance(0.6) && done > start) {
          change('in_progress', between(rng, start, addDays(done, -1)));
        }
        change('done', done);
      } else if (draw < 0.47) change('in_progress', between(rng, start, asOf));
      else if (draw < 0.5) change('cancelled', between(rng, start, asOf));
    } else if (draw < 0.15) {
      // due later, or undated ("thường xuyên"): some already under way
      change('in_progress', between(rng, start, asOf));
    }
  }
  return out;
}
