// The plans pages against the API on the same database: every plan listed, one plan's notes (the
// inconsistencies first), targets, tasks by group with what is overdue, procedures and lineage.
import { describe, expect, it } from 'vitest';
import { text, usePages } from './pages.ts';
import { words } from '../../dashboards/i18n/index.ts';
import type { PlanResponse, PlansResponse } from '../../api/schemas/plans.ts';
import type { TasksResponse } from '../../api/schemas/tasks.ts';

const { page, api } = usePages();

const vi = words('vi');
const en = words('en');

describe('GET /plans', () => {
  it('lists every plan the API has, with its number, parent and counts', async () => {
    const { document } = await page('/plans');
    const { plans } = await api<PlansResponse>('/api/plans');
    const rows = [...document.querySelectorAll('table.plans tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-plan'))).toEqual(plans.map((p) => p.plan_id));
    for (const [i, p] of plans.entries()) {
      const cells = rows[i].querySelectorAll('td');
      expect(text(cells[0])).toBe(p.document_no ?? vi.t('plans_no_number'));
      expect(rows[i].querySelector('th a')?.getAttribute('href')).toBe(`/plans/${p.plan_id}`);
      expect(text(rows[i].querySelector('th a'))).toBe(p.title);
      if (p.parent_plan_id) {
        expect(cells[3].querySelector('a')?.getAttribute('href')).toBe(
          `/plans/${p.parent_plan_id}`,
        );
      }
      expect(text(cells[4])).toBe(vi.int(p.targets));
      // đo được / tổng: the targets with a measure, of all
      expect(text(cells[5])).toBe(
        p.targets_total === 0 ? '—' : `${vi.int(p.targets_measured)} / ${vi.int(p.targets_total)}`,
      );
      expect(text(cells[6])).toBe(vi.int(p.tasks));
      expect(text(cells[8])).toContain(vi.int(p.notes));
      // a plan not encoded from its own legal text says so beside its title
      const pill = rows[i].querySelector('th .source-kind');
      if (p.source_kind === 'legal_text') expect(pill).toBeNull();
      else expect(pill?.getAttribute('data-source-kind')).toBe(p.source_kind);
    }
    const header = [...document.querySelectorAll('table.plans thead th')].map((th) => text(th));
    expect(header).toContain(vi.t('plans_measured'));
    expect(vi.t('plans_measured')).toBe('Đo được / tổng');
    expect(en.t('plans_measured')).toBe('Measured / total');
  });
});

describe('GET /plans/:id, a plan read from the press', () => {
  it('says it is a press summary, not the legal text, and shows each target’s confidence and sources', async () => {
    const { document } = await page('/plans/qd-11-2026-bcdcp');
    const d = await api<PlanResponse>('/api/plans/qd-11-2026-bcdcp');
    const caveat = document.querySelector('p.source-kind[role="note"]');
    expect(text(caveat)).toBe(vi.t('plans_source_kind_press_summary'));
    expect(vi.t('plans_source_kind_press_summary')).toMatch(/không phải văn bản pháp lý/);
    const rows = [...document.querySelectorAll('table.plan-targets tbody tr')];
    expect(rows).toHaveLength(d.targets.length);
    for (const [i, t] of d.targets.entries()) {
      expect(rows[i].querySelector('td.confidence')?.getAttribute('data-confidence')).toBe(
        t.confidence ?? '',
      );
      const links = [...rows[i].querySelectorAll('td.sources a')].map((a) =>
        a.getAttribute('href'),
      );
      expect(links).toEqual(t.source_urls);
      if (t.measure_kind === 'metric') expect(text(rows[i])).toContain(t.numerator_metric ?? '');
    }
    const english = await page('/plans/qd-11-2026-bcdcp?lang=en');
    expect(text(english.document.querySelector('p.source-kind'))).toBe(
      en.t('plans_source_kind_press_summary'),
    );
  });

  it('links an adopted target to the plan it came from', async () => {
    const { document } = await page('/plans/kh-2026-an-giang-mo-phong');
    const d = await api<PlanResponse>('/api/plans/kh-2026-an-giang-mo-phong');
    expect(text(document.querySelector('p.source-kind'))).toBe(vi.t('plans_source_kind_synthetic'));
    const adopted = d.targets.filter((t) => t.adopted_from);
    expect(adopted.length).toBeGreaterThan(0);
    for (const t of adopted) {
      const row = document.querySelector(`tr[data-target="${t.target_id}"]`);
      expect(row?.querySelector('.adopted a')?.getAttribute('href')).toBe(
        '/plans/qd-740-2022-kien-giang',
      );
    }
  });
});

describe('GET /plans/:id', () => {
  it('puts the document’s inconsistencies first, then the other notes, as the API has them', async () => {
    const { document } = await page('/plans/qd-740-2022-kien-giang');
    const d = await api<PlanResponse>('/api/plans/qd-740-2022-kien-giang');
    expect(text(document.querySelector('h1'))).toContain('740/QĐ-UBND');
    const notes = document.querySelector('section.plan-notes');
    // right after the plan's facts: the first section a planner sees
    expect(document.querySelector('main section')).toBe(notes);
    const rows = [...(notes?.querySelectorAll('tbody tr') ?? [])];
    expect(rows.length).toBe(d.notes.length);
    const kinds = rows.map((r) => r.getAttribute('data-kind'));
    const inconsistencies = d.notes.filter((n) => n.kind === 'inconsistency');
    expect(inconsistencies.length).toBeGreaterThan(0);
    expect(kinds.slice(0, inconsistencies.length).every((k) => k === 'inconsistency')).toBe(true);
    const shown = rows.map((r) => text(r.querySelectorAll('td')[3]));
    // Vietnamese first (issue 15.2): every note of this plan has its Vietnamese text
    for (const n of d.notes) {
      expect(n.text_vi).toBeTruthy();
      expect(shown).toContain((n.text_vi ?? '').replace(/\s+/g, ' ').trim());
    }
    expect(text(notes?.querySelector('p'))).toBe(
      vi.t('plans_notes_lead', {
        n: vi.int(d.notes.length),
        k: vi.int(inconsistencies.length),
      }),
    );
  });

  it('shows targets with indicator links, tasks by group with the overdue ones, procedures', async () => {
    const { document } = await page('/plans/qd-740-2022-kien-giang');
    const d = await api<PlanResponse>('/api/plans/qd-740-2022-kien-giang');
    const targets = [...document.querySelectorAll('table.plan-targets tbody tr')];
    expect(targets.map((r) => r.getAttribute('data-target'))).toEqual(
      d.targets.map((x) => x.target_id),
    );
    for (const [i, target] of d.targets.entries()) {
      const a = targets[i].querySelector('a');
      if (target.indicator_id)
        expect(a?.getAttribute('href')).toMatch(new RegExp(`^/indicator/${target.indicator_id}`));
      expect(text(targets[i])).toContain(vi.date(target.deadline));
      expect(text(targets[i])).toContain(target.clause.replace(/\s+/g, ' ').trim());
    }
    const tasks = [...document.querySelectorAll('table.plan-tasks tbody tr')];
    expect(tasks.length).toBe(d.tasks.length);
    const groups = new Set(d.tasks.map((x) => x.group_name ?? ''));
    expect(document.querySelectorAll('table.plan-tasks').length).toBe(groups.size);
    const overdue = await api<TasksResponse>('/api/tasks?plan=qd-740-2022-kien-giang&overdue=true');
    expect(
      tasks
        .filter((r) => r.getAttribute('class') === 'overdue')
        .map((r) => r.getAttribute('data-seq')),
    ).toEqual(expect.arrayContaining(overdue.tasks.map((x) => String(x.seq))));
    expect(tasks.filter((r) => r.getAttribute('class') === 'overdue').length).toBe(
      overdue.tasks.length,
    );
    expect(document.querySelectorAll('table.plan-procedures tbody tr').length).toBe(
      d.procedures.length,
    );
  });

  it('links its lineage both ways', async () => {
    const { document } = await page('/plans/kh-590-2022-ninh-thuan');
    const d = await api<PlanResponse>('/api/plans/kh-590-2022-ninh-thuan');
    const lineage = document.querySelector('ol.lineage');
    const hrefs = [...(lineage?.querySelectorAll('a') ?? [])].map((a) => a.getAttribute('href'));
    for (const p of [...d.ancestors, ...d.children]) expect(hrefs).toContain(`/plans/${p.plan_id}`);
    expect(d.ancestors.length).toBeGreaterThan(0);
    expect(d.children.length).toBeGreaterThan(0);
  });

  it('speaks English on ?lang=en and keeps the language in its links', async () => {
    const { document } = await page('/plans/kh-96-2022-phan-rang-thap-cham?lang=en');
    expect(text(document.querySelector('#notes'))).toContain(en.t('notes'));
    expect(text(document.querySelector('section.plan-notes tbody td:nth-child(2)'))).toBe(
      `! ${en.t('plans_note_kind_inconsistency')}`,
    );
    for (const a of document.querySelectorAll('main a'))
      expect(a.getAttribute('href')).toContain('lang=en');
  });

  it('answers an unknown plan with a 404 page, escaped', async () => {
    const missing = await page('/plans/no-such-plan', 404);
    expect(missing.body).toContain('no-such-plan');
    const evil = await page('/plans/%3Cscript%3Ealert(1)%3C%2Fscript%3E', 404);
    expect(evil.body).not.toContain('<script>');
  });
});
