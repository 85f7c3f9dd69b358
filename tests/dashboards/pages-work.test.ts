// The work pages (/tasks, /procedures, /reporting, /quality) against the API calls with the same
// filters on the same demo database: the same counts and rows, charts with one mark per row,
// filters that narrow, English on a switch, and HTML 400 pages for bad parameters.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { usePages } from './pages.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import { countMarks } from '../../dashboards/render/plot.ts';
import { tasksResponse, type TasksResponse } from '../../api/schemas/tasks.ts';
import { proceduresResponse } from '../../api/schemas/procedures.ts';
import { reportingResponse } from '../../api/schemas/reporting.ts';
import { qualityResponse } from '../../api/schemas/quality.ts';
import { offences } from '../browser/vi-text.ts';

// pages read "today" from the clock; the demo's figures run to 2025-12, read on 2026-01-25
// (registered before the app's hooks: the clock is faked before it starts, restored after it stops)
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(`${DEMO_TODAY}T08:00:00Z`));
});
afterAll(() => {
  vi.useRealTimers();
});

const t = usePages();
const api = t.get;

async function page(url: string) {
  const { res, document } = await t.page(url);
  const $ = (selector: string) => [...document.querySelectorAll(selector)];
  const text = (selector: string) =>
    $(selector).map((e) => e.textContent?.replace(/\s+/g, ' ').trim() ?? '');
  /** the number in the first cell `td.num` of each body row of a table */
  const nums = (selector: string) =>
    $(`${selector} tbody tr`).map((tr) => digits(tr.querySelector('td.num')?.textContent ?? ''));
  return { res, body: res.body, document, $, text, nums };
}

const digits = (s: string) => Number(s.replace(/[^\d]/g, ''));

async function badRequest(url: string, status = 400) {
  const { body } = await t.page(url, status);
  expect(() => JSON.parse(body)).toThrow();
  expect(body).toContain('role="alert"');
  expect(body).not.toMatch(/\bat .+\.ts:\d+/); // no stack trace
  return body;
}

/** Every link inside <main> keeps English. */
function linksKeepLang(p: Awaited<ReturnType<typeof page>>) {
  const links = p.$('main a[href^="/"]').map((a) => a.getAttribute('href') ?? '');
  expect(links.length).toBeGreaterThan(0);
  for (const link of links) expect(link, link).toMatch(/[?&]lang=en\b/);
}

describe('/tasks', () => {
  let all: TasksResponse;
  beforeAll(async () => {
    all = await api(`/api/tasks?as_of=${DEMO_TODAY}`, tasksResponse);
  });

  it('shows the same tasks and counts as GET /api/tasks, overdue first', async () => {
    const p = await page('/tasks');
    expect(p.text('h1')).toEqual(['Nhiệm vụ theo kế hoạch']);
    expect(p.text('.card .big').map(digits)).toEqual([all.summary.total, all.summary.overdue]);
    const rows = p.$('#tasks-table tbody tr');
    expect(rows).toHaveLength(all.tasks.length);
    expect(rows.filter((r) => r.getAttribute('data-state') === 'overdue')).toHaveLength(
      all.summary.overdue,
    );
    // grouped by plan (issue 15.6: the flat list was 48,760 px tall), plans in the order their
    // first task comes in the API's list, each plan's tasks in the API's order
    const plans = [...new Set(all.tasks.map((x) => x.plan_id))];
    const grouped = plans.flatMap((id) => all.tasks.filter((x) => x.plan_id === id));
    expect(p.$('details.plan-group').map((e) => e.getAttribute('data-plan'))).toEqual(plans);
    expect(rows.map((r) => r.querySelectorAll('td')[2].textContent)).toEqual(
      grouped.map((x) => x.title),
    );
    // the deadline as printed and the parsed date
    const first = rows[0].querySelectorAll('td');
    expect(first[5].textContent).toBe(all.tasks[0].deadline_text ?? '—');
    const [y, m, d] = (all.tasks[0].due_on as string).split('-');
    expect(first[6].textContent).toBe(`${d}/${m}/${y}`);
    expect(first[7].textContent).toContain('▲');
    expect(first[7].textContent).toContain('Quá hạn');
    // every task's recorded status in Vietnamese words, with the day it took effect
    const words: Record<string, string> = {
      planned: 'Chưa thực hiện',
      in_progress: 'Đang thực hiện',
      done: 'Đã hoàn thành',
      cancelled: 'Đã hủy',
    };
    for (const [i, row] of rows.entries()) {
      const x = grouped[i];
      const cell = row.querySelector('.task-status');
      expect(cell?.getAttribute('data-status')).toBe(x.status);
      expect(cell?.textContent).toContain(words[x.status]);
      if (x.status_as_of)
        expect(cell?.textContent).toContain(x.status_as_of.split('-').reverse().join('/'));
    }
    expect(all.tasks.some((x) => x.status === 'done')).toBe(true);
    // overdue by lead: the same leads and numbers
    expect(p.nums('#overdue-by-lead')).toEqual(all.summary.overdue_by_lead.map((l) => l.overdue));
  });

  it('draws one dot per dated task and a today rule', async () => {
    const p = await page('/tasks');
    const marks = countMarks(p.body);
    expect(marks['mark-task']).toBe(all.tasks.filter((x) => x.due_on !== null).length);
    expect(marks['mark-today']).toBe(1);
    const plan = 'qd-740-2022-kien-giang';
    const one = await api(`/api/tasks?as_of=${DEMO_TODAY}&plan=${plan}`, tasksResponse);
    const q = await page(`/tasks?plan=${plan}`);
    expect(countMarks(q.body)['mark-task']).toBe(one.tasks.filter((x) => x.due_on).length);
  });

  it('narrows by plan, overdue, status and lead, as the API does; lead links filter', async () => {
    const plan = 'qd-740-2022-kien-giang';
    const narrowed = await api(
      `/api/tasks?as_of=${DEMO_TODAY}&plan=${plan}&overdue=true`,
      tasksResponse,
    );
    const p = await page(`/tasks?plan=${plan}&group=&lead=&status=&overdue=true`);
    const rows = p.$('#tasks-table tbody tr');
    expect(rows.length).toBe(narrowed.tasks.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(all.tasks.length);
    expect(rows.every((r) => r.getAttribute('data-state') === 'overdue')).toBe(true);
    expect(p.text('.card .big').map(digits)).toEqual([
      narrowed.summary.total,
      narrowed.summary.overdue,
    ]);
    // the choices come from the data: plans with tasks, and the plan's leads
    const planOptions = p.$('select[name="plan"] option').map((o) => o.getAttribute('value'));
    expect(planOptions).toContain(plan);
    expect(p.$('select[name="plan"] option[selected]').map((o) => o.getAttribute('value'))).toEqual(
      [plan],
    );
    const leads = new Set(narrowed.tasks.flatMap((x) => x.leads));
    const leadOptions = new Set(
      p.$('select[name="lead"] option').map((o) => o.getAttribute('value')),
    );
    for (const lead of leads) expect(leadOptions.has(lead)).toBe(true);

    // following a lead's link gives that lead's overdue tasks
    const link = p.$('#overdue-by-lead tbody a')[0];
    const href = link.getAttribute('href') as string;
    const params = new URLSearchParams(href.split('?')[1]);
    expect(params.get('overdue')).toBe('true');
    expect(params.get('plan')).toBe(plan);
    const byLead = await api(`/api/tasks?as_of=${DEMO_TODAY}&${params.toString()}`, tasksResponse);
    const q = await page(href);
    expect(q.$('#tasks-table tbody tr')).toHaveLength(byLead.tasks.length);
    expect(byLead.tasks.length).toBe(digits(p.nums('#overdue-by-lead')[0].toString()));

    const done = await page('/tasks?status=done');
    expect(done.$('#tasks-table tbody tr')).toHaveLength(
      all.tasks.filter((x) => x.status === 'done').length,
    );
  });

  it('switches to English: words, dates and links', async () => {
    const p = await page('/tasks?lang=en');
    expect(p.document.documentElement.getAttribute('lang')).toBe('en');
    expect(p.text('h1')).toEqual(['Plan tasks']);
    const cells = p.$('#tasks-table tbody tr')[0].querySelectorAll('td');
    expect(cells[6].textContent).toMatch(/^\d{2} [A-Z][a-z]{2} \d{4}$/);
    expect(cells[7].textContent).toContain('Overdue');
    expect(p.body).toContain('<input type="hidden" name="lang" value="en" />');
    linksKeepLang(p);
  });

  it('answers bad parameters with a 400 page', async () => {
    expect(await badRequest('/tasks?status=bogus')).toContain('status=bogus');
    await badRequest('/tasks?overdue=maybe');
    expect(await badRequest('/tasks?plan=no-such-plan', 404)).toContain('no-such-plan');
    expect(await badRequest('/tasks?status=bogus&lang=en')).toContain('Invalid parameter');
  });
});

describe('/procedures', () => {
  it('shows the checklists and counts of GET /api/procedures', async () => {
    const body = await api('/api/procedures', proceduresResponse);
    const p = await page('/procedures');
    expect(p.text('h1')).toEqual(['Thủ tục hành chính thiết yếu']);
    expect(p.text('.card .big').map(digits)).toEqual([body.summary.total]);
    const tables = p.$('table.checklist');
    const perPlan = new Map<string, number>();
    for (const x of body.procedures) perPlan.set(x.plan_id, (perPlan.get(x.plan_id) ?? 0) + 1);
    expect(tables.map((x) => x.getAttribute('data-plan'))).toEqual([...perPlan.keys()]);
    expect(tables.map((x) => x.querySelectorAll('tbody tr').length)).toEqual([...perPlan.values()]);
    // the first procedure, as the API has it; status as a drawn box and a word, not a control
    const first = tables[0].querySelector('tbody tr');
    expect(first?.querySelector('th')?.textContent).toBe(body.procedures[0].name);
    // the recorded status: a box drawn for it, its words and the day it took effect
    const box = { done: '☑', cancelled: '☒' }[body.procedures[0].status] ?? '☐';
    expect(first?.textContent).toContain(box);
    for (const [i, row] of [...tables[0].querySelectorAll('tbody tr')].entries()) {
      const p = body.procedures[i];
      expect(row.textContent).toContain(
        {
          planned: 'Chưa thực hiện',
          in_progress: 'Đang thực hiện',
          done: 'Đã hoàn thành',
          cancelled: 'Đã hủy',
        }[p.status] ?? p.status,
      );
      if (p.status_as_of) {
        const [y, m, d] = p.status_as_of.split('-');
        expect(row.textContent).toContain(`từ ${d}/${m}/${y}`);
      }
      expect(row.textContent?.includes('quá hạn')).toBe(p.overdue);
    }
    expect(p.$('main input[type="checkbox"]')).toHaveLength(0);
    // summaries per status and per online level
    const [byStatus, byLevel] = p
      .$('.grid-2 table')
      .map((x) =>
        [...x.querySelectorAll('tbody td.num')].map((td) => digits(td.textContent ?? '')),
      );
    expect(byStatus).toEqual(Object.values(body.summary.by_status));
    expect(byLevel).toEqual(
      Object.entries(body.summary.by_online_level)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([, n]) => n),
    );
  });

  it('narrows to one plan, in English too', async () => {
    const plan = 'qd-740-2022-kien-giang';
    const body = await api(`/api/procedures?plan=${plan}`, proceduresResponse);
    const all = await api('/api/procedures', proceduresResponse);
    expect(body.procedures.length).toBeLessThan(all.procedures.length);
    const p = await page(`/procedures?plan=${plan}&lang=en`);
    expect(p.$('table.checklist tbody tr')).toHaveLength(body.procedures.length);
    expect(p.text('h1')[0]).toMatch(/^Essential|procedures/i);
    expect(p.body).toContain('Level 4');
    linksKeepLang(p);
  });

  it('answers bad parameters with an HTML error page', async () => {
    await badRequest(`/procedures?status=${'x'.repeat(41)}`);
    await badRequest('/procedures?plan=no-such-plan', 404);
  });
});

describe('/reporting', () => {
  it('defaults to the 12 months up to the last full month, as GET /api/reporting', async () => {
    const body = await api('/api/reporting?unit=VN&from=2025-01&to=2025-12', reportingResponse);
    const p = await page('/reporting');
    expect(p.text('h1')).toEqual([`Tình hình báo cáo — ${body.unit.name}`]);
    // months chosen from a list in the page's words, not the browser's month input (15.6)
    const chosen = (name: string) =>
      p
        .$(`select[name="${name}"] option[selected]`)
        .map((o) => [o.getAttribute('value'), o.textContent?.trim()]);
    expect(chosen('from')).toEqual([['2025-01', 'Tháng 1/2025']]);
    expect(chosen('to')).toEqual([['2025-12', 'Tháng 12/2025']]);
    const head = p.$('#reporting-grid thead th');
    expect(head).toHaveLength(1 + 12);
    expect(p.$('#reporting-grid tbody tr')).toHaveLength(body.units.length);
    // every owed cell is a symbol and a word; summary counts per status
    for (const status of ['on_time', 'late', 'missing', 'pending'] as const) {
      expect(p.$(`#reporting-grid td.rep.${status}`)).toHaveLength(body.summary[status] ?? 0);
    }
    expect(p.$('#reporting-grid td.rep')).toHaveLength(body.cells.length);
    expect(p.nums('#reporting-summary')).toEqual([
      body.summary.on_time ?? 0,
      body.summary.late ?? 0,
      body.summary.missing ?? 0,
      body.summary.pending ?? 0,
      body.cells.length,
    ]);
    const cell = p.$('#reporting-grid td.rep.on_time')[0];
    expect(cell.textContent).toContain('✓');
    expect(cell.textContent).toContain('Đúng hạn');
    // the chart: one cell and one symbol per owed unit-month
    const marks = countMarks(p.body);
    expect(marks['mark-cell']).toBe(body.cells.length);
    expect(marks['mark-symbol']).toBe(body.cells.length);
    // which plan sets each due day
    const plans = new Set(body.cells.map((c) => c.plan_id));
    expect(p.$('#reporting-plans tbody tr')).toHaveLength(plans.size);
  });

  it('narrows by unit and months, with the same grid as the API', async () => {
    const url = 'unit=p91&from=2024-07&to=2025-06';
    const body = await api(`/api/reporting?${url}`, reportingResponse);
    const wide = await api('/api/reporting?unit=VN&from=2024-01&to=2025-06', reportingResponse);
    expect(body.cells.length).toBeGreaterThan(0);
    expect(body.cells.length).toBeLessThan(wide.cells.length);
    const p = await page(`/reporting?${url}`);
    expect(p.$('#reporting-grid thead th')).toHaveLength(1 + body.periods.length);
    expect(p.$('#reporting-grid td.rep')).toHaveLength(body.cells.length);
    expect(countMarks(p.body)['mark-cell']).toBe(body.cells.length);
    expect(p.text('#reporting-plans tbody td')[0]).toMatch(/trước ngày 20 tháng sau/);
  });

  it('switches to English', async () => {
    const p = await page('/reporting?unit=VN&from=2024-07&to=2025-06&lang=en');
    expect(p.text('h1')[0]).toMatch(/^Reporting|Reports/);
    expect(p.$('#reporting-grid td.rep.on_time')[0].textContent).toContain('On time');
    expect(p.text('#reporting-plans tbody td')[0]).toMatch(/by day \d+ of the next month/);
    linksKeepLang(p);
  });

  it('answers bad parameters with a 400 page', async () => {
    expect(await badRequest('/reporting?from=2025-13')).toContain('2025-13');
    await badRequest('/reporting?from=2025-06&to=2025-01');
    await badRequest('/reporting?unit=nowhere', 404);
  });
});

describe('/quality', () => {
  it('shows the counts and findings of GET /api/quality, newest first', async () => {
    const body = await api('/api/quality', qualityResponse);
    expect(body.total).toBeGreaterThan(5);
    const p = await page('/quality');
    expect(p.text('h1')).toEqual(['Chất lượng dữ liệu']);
    expect(p.text('.card .big').map(digits)).toEqual([body.total]);
    expect(p.nums('#quality-by-rule')).toEqual(body.by_rule.map((r) => r.count));
    expect(p.nums('#quality-by-severity')).toEqual(Object.values(body.by_severity));
    const rows = p.$('#quality-findings tbody tr');
    expect(rows).toHaveLength(Math.min(body.total, 200));
    // the engine's message in English; in Vietnamese the finding said from its rule code and
    // figures (issue 15.2): no English word, metric id or rule id outside <code>
    const english = await page('/quality?lang=en');
    expect(
      english.$('#quality-findings tbody tr').map((r) => r.querySelectorAll('td')[6].textContent),
    ).toEqual(body.findings.slice(0, 200).map((f) => f.message));
    for (const r of rows) {
      const said = r.querySelectorAll('td')[6].textContent ?? '';
      expect(said.length).toBeGreaterThan(10);
      expect(offences(said)).toEqual([]);
    }
    expect(p.$('#capped')).toHaveLength(0);
    // a value in the reader's number format
    const big = body.findings.find((f) => f.value !== null && Number(f.value) >= 1000);
    if (big) {
      const i = body.findings.indexOf(big);
      const formatted = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(
        Number(big.value),
      );
      expect(rows[i].querySelectorAll('td')[7].textContent).toBe(formatted);
    }
  });

  it('caps the list with a note', async () => {
    const body = await api('/api/quality?limit=5', qualityResponse);
    const p = await page('/quality?limit=5');
    expect(p.$('#quality-findings tbody tr')).toHaveLength(5);
    expect(p.text('#capped')[0]).toContain(`5`);
    expect(p.text('#capped')[0]).toContain(String(body.total));
  });

  it('narrows by unit, period and severity, as the API does', async () => {
    const all = await api('/api/quality', qualityResponse);
    const unit = all.findings.find((f) => f.unit_id)?.unit_id as string;
    for (const q of [`unit=${unit}`, 'period=2022-02', 'severity=warning', 'severity=error']) {
      const body = await api(`/api/quality?${q}`, qualityResponse);
      const p = await page(`/quality?${q}`);
      expect(p.text('.card .big').map(digits), q).toEqual([body.total]);
      expect(p.$('#quality-findings tbody tr'), q).toHaveLength(body.findings.length);
    }
    const narrowed = await api('/api/quality?period=2022-02', qualityResponse);
    expect(narrowed.total).toBeLessThan(all.total);
  });

  it('switches to English: words and number formats', async () => {
    const body = await api('/api/quality', qualityResponse);
    const p = await page('/quality?lang=en');
    expect(p.text('h1')).toEqual(['Data quality']);
    expect(p.body).toContain('Warning');
    const big = body.findings.find((f) => f.value !== null && Number(f.value) >= 1000);
    if (big) {
      const row = p.$('#quality-findings tbody tr')[body.findings.indexOf(big)];
      expect(row.querySelectorAll('td')[7].textContent).toBe(
        new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }).format(Number(big.value)),
      );
    }
    linksKeepLang(p);
  });

  it('answers bad parameters with a 400 page', async () => {
    expect(await badRequest('/quality?severity=fatal')).toContain('severity=fatal');
    await badRequest('/quality?period=2022-99');
    await badRequest('/quality?limit=0');
  });
});
