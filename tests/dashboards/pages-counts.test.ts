// Issue 15.3: a unit's overview, the API and the scope rule count the same tasks and procedures —
// those of the plans the unit, a unit it continues or a unit below either issued (plansInScope) —
// and the status words come from one vocabulary (a target without a figure gets no verdict).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { usePages, text } from './pages.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import { tasksResponse } from '../../api/schemas/tasks.ts';
import { proceduresResponse } from '../../api/schemas/procedures.ts';
import { plansInScope } from '../../api/services/tasks.ts';

// the overview reads "today" from the clock: the demo's figures run to 2025-12, read on 2026-01-25
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(`${DEMO_TODAY}T08:00:00Z`));
});
afterAll(() => {
  vi.useRealTimers();
});

const t = usePages();
const digits = (s: string) => Number(s.replace(/[^\d]/g, ''));

/** The plans in a unit's scope, computed by the scope function on the app's own database. */
async function scopeOf(unitId: string): Promise<Set<string>> {
  const units = await t.app.warehouse.units();
  const unit = units.get(unitId);
  if (!unit) throw new Error(`no unit ${unitId}`);
  return t.app.warehouse.read((db) => plansInScope(db, units, unit));
}

describe('Kiên Giang (p91) and its successor An Giang (p91@2025-07-01)', () => {
  it('the scope: Kiên Giang’s own plans and those below it, not every plan', async () => {
    const kg = await scopeOf('p91');
    expect(kg.has('qd-740-2022-kien-giang')).toBe(true);
    expect(kg.has('kh-2024-ho-chi-minh')).toBe(false);
    expect(kg.has('qd-06-2022-national')).toBe(false);
    // the new An Giang continues Kiên Giang (merged into it): its plans are An Giang's too
    const ag = await scopeOf('p91@2025-07-01');
    for (const p of kg) expect(ag.has(p)).toBe(true);
    expect(ag.has('kh-2026-an-giang-mo-phong')).toBe(true);
    // the country: every plan
    const vn = await scopeOf('VN');
    expect(vn.size).toBeGreaterThan(ag.size);
  });

  for (const unit of ['p91', 'p91@2025-07-01', 'VN']) {
    it(`${unit}: the overview's overdue and total tasks are the API's for the unit, and the scope's`, async () => {
      const scope = await scopeOf(unit);
      const all = await t.get(`/api/tasks?as_of=${DEMO_TODAY}`, tasksResponse);
      const inScope = all.tasks.filter((x) => scope.has(x.plan_id));
      const api = await t.get(
        `/api/tasks?as_of=${DEMO_TODAY}&unit=${encodeURIComponent(unit)}`,
        tasksResponse,
      );
      expect(api.summary.total).toBe(inScope.length);
      expect(api.summary.overdue).toBe(inScope.filter((x) => x.overdue).length);
      if (unit !== 'VN') expect(api.summary.total).toBeLessThan(all.summary.total);

      const { document } = await t.page(`/?unit=${encodeURIComponent(unit)}&period=2025-Q4`);
      const overdue = document.querySelector('[data-count="overdue"]');
      expect(digits(text(overdue).split(':')[1])).toBe(api.summary.overdue);
      const total = text(overdue?.parentElement).split('/').at(-1) ?? '';
      expect(digits(total)).toBe(api.summary.total);

      const procedures = await t.get(
        `/api/procedures?unit=${encodeURIComponent(unit)}`,
        proceduresResponse,
      );
      const listed = [...document.querySelectorAll('#procedures + ul li')].map(text);
      const sum = listed.reduce((n, li) => n + digits(li.split(':').at(-1) ?? ''), 0);
      expect(sum).toBe(procedures.summary.total);
    });
  }

  it('Kiên Giang in Q4/2024: every target shown beside an empty figure says "no figure", never a verdict', async () => {
    const { document } = await t.page('/?unit=p91&period=2024-Q4');
    const rows = [...document.querySelectorAll('#scorecard ~ table tbody tr, table tbody tr')];
    let empty = 0;
    for (const tr of rows) {
      const actual = text(tr.querySelector('td.num')).split(' ')[0];
      const states = [...tr.querySelectorAll('[data-state]')].map((e) =>
        e.getAttribute('data-state'),
      );
      if (actual === '—' && states.length) {
        empty++;
        for (const s of states) expect(['no_figure', 'no_target', 'not_started']).toContain(s);
      }
    }
    expect(empty).toBeGreaterThan(0);
    // the first and last columns no longer share a heading
    const heads = [...document.querySelectorAll('table thead th')].map(text);
    expect(new Set(heads).size).toBe(heads.length);
  });

  it('a target whose unit has no figure this quarter is counted as "no figure", not by its old verdict', async () => {
    // p79 ceased on 30/6/2025; its cccd target is "missed" in the engine at 2025-Q4 (read on the
    // last figure it had), with no figure of its own in that quarter
    const { document, body } = await t.page('/?unit=p79&period=2025-Q4');
    const states = [...document.querySelectorAll('ul.targets [data-state]')].map((e) =>
      e.getAttribute('data-state'),
    );
    expect(states.length).toBeGreaterThan(0);
    expect(states).not.toContain('missed');
    expect(body).not.toContain('Không đạt');
  });
});
