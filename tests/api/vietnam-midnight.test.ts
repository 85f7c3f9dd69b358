// "Today" is the date in Vietnam (UTC+7): a task due on day D turns overdue, and a report due on
// D turns missing, at midnight in Hà Nội — 17:00 UTC on D — not at midnight UTC seven hours
// later. The clock is faked (Date only: DuckDB and Fastify keep their timers).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useDemoApp } from './app.ts';
import { tasksResponse } from '../../api/schemas/tasks.ts';
import { reportingResponse } from '../../api/schemas/reporting.ts';
import { refresh } from '../../indicators/compute/refresh.ts';

// the app starts before the clock is faked; each test sets the instant it needs
const t = useDemoApp();

let fixed: string | undefined;
beforeAll(() => {
  // CHITIEU_TODAY would override the clock this file is about
  fixed = process.env.CHITIEU_TODAY;
  delete process.env.CHITIEU_TODAY;
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
  if (fixed !== undefined) process.env.CHITIEU_TODAY = fixed;
});

/** The instant `time` UTC on the ISO date `date`. */
const at = (date: string, time: string) => new Date(`${date}T${time}Z`);

describe('an open task due on D', () => {
  it('turns overdue at midnight in Vietnam (17:00 UTC on D), not at midnight UTC', async () => {
    const [task] = await t.sql<{ plan_id: string; seq: number; due_on: string }>(
      `select plan_id, seq, strftime(due_on, '%Y-%m-%d') due_on from tasks
       where due_on is not null and status in ('planned', 'in_progress')
       order by due_on desc, plan_id, seq limit 1`,
    );
    const overdueAt = async (instant: Date) => {
      vi.setSystemTime(instant);
      const body = await t.get(`/api/tasks?plan=${task.plan_id}`, tasksResponse);
      const row = body.tasks.find((x) => x.seq === task.seq);
      return { as_of: body.as_of, overdue: row?.overdue };
    };
    // D in Vietnam all day: 23:59:59 on D is 16:59:59 UTC
    expect(await overdueAt(at(task.due_on, '16:59:59'))).toEqual({
      as_of: task.due_on,
      overdue: false,
    });
    // 00:00 on D+1 in Vietnam, still D in UTC: overdue already
    const next = await overdueAt(at(task.due_on, '17:00:00'));
    expect(next.as_of).not.toBe(task.due_on);
    expect(next.as_of > task.due_on).toBe(true);
    expect(next.overdue).toBe(true);
  });
});

describe('a report not received, due on D', () => {
  it('is pending through D in Vietnam and missing from 17:00 UTC on D', async () => {
    const [cell] = await t.sql<{ unit_id: string; period: string; due_on: string }>(
      `select unit_id, period, strftime(due_on, '%Y-%m-%d') due_on from reporting
       where received_at is null order by due_on desc, unit_id limit 1`,
    );
    expect(cell).toBeDefined();
    const statusAt = async (instant: Date) => {
      vi.setSystemTime(instant);
      // the engine's refresh reads today itself (no --today), as ingest and `chitieu refresh` do
      await t.app.warehouse.write((db) => refresh(db, { months: [cell.period] }));
      const body = await t.get(
        `/api/reporting?unit=${cell.unit_id}&from=${cell.period}&to=${cell.period}`,
        reportingResponse,
      );
      return body.cells.find((c) => c.unit_id === cell.unit_id && c.period === cell.period)?.status;
    };
    expect(await statusAt(at(cell.due_on, '16:59:59'))).toBe('pending');
    expect(await statusAt(at(cell.due_on, '17:00:00'))).toBe('missing');
  });
});
