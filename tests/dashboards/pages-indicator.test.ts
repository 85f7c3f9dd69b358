// The indicator page against the API on the same database: the latest actual, the targets, the
// ranked children and the chart marks are what /api/series and /api/ranking serve; reconstructed
// history is marked; the language switch changes words and number format; bad input is a 404/400.
import { describe, expect, it } from 'vitest';
import { text, usePages } from './pages.ts';
import { countMarks } from '../../dashboards/render/plot.ts';
import { words } from '../../dashboards/i18n/index.ts';
import type { SeriesResponse } from '../../api/schemas/series.ts';
import type { RankingResponse } from '../../api/schemas/ranking.ts';

const { page, api } = usePages();

const vi = words('vi');
const en = words('en');

/** The markup of the page's series or ranking chart. */
const chartOf = (document: Document, name: 'series' | 'ranking') =>
  document.querySelector(`figure#${name}-chart`)?.innerHTML ?? '';

describe('GET /indicator/:id', () => {
  it('shows the latest actual, the series and the children ranked as the API serves them', async () => {
    const { document, body } = await page('/indicator/cccd_coverage?unit=VN&period=2025-Q4');
    const s = await api<SeriesResponse>('/api/series?indicator=cccd_coverage&unit=VN&grain=month');
    const latest = s.points.filter((p) => p.actual !== null).at(-1);
    expect(latest).toBeDefined();
    expect(text(document.querySelector('h1'))).toContain(s.indicator.name_vi);
    expect(text(document.querySelector('.latest'))).toBe(vi.pct(latest?.actual));
    expect(text(document.querySelector('.lead'))).toContain(vi.period(latest?.period ?? ''));

    // the series table: one row per point, in the API's order and figures
    const rows = [...document.querySelectorAll('table.series tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-period'))).toEqual(s.points.map((p) => p.period));
    for (const [i, p] of s.points.entries()) {
      expect(text(rows[i].querySelector('td'))).toBe(vi.pct(p.actual));
    }

    // the charts: a dot per actual; a bar per ranked child with a figure
    const r = await api<RankingResponse>(
      '/api/ranking?indicator=cccd_coverage&unit=VN&period=2025-Q4',
    );
    const seriesMarks = countMarks(chartOf(document, 'series'));
    expect(seriesMarks['mark-actual']).toBe(s.points.filter((p) => p.actual !== null).length);
    // the ranking is an HTML bar list (issue 15.1): a bar per child with a figure, and each
    // child's state (a child with a figure and no target says so, never "no data")
    expect(r.rows.length).toBeGreaterThan(30);
    expect(document.querySelectorAll('table.ranking .bar.rank').length).toBe(
      r.rows.filter((x) => x.actual !== null).length,
    );
    for (const x of r.rows) {
      const state = document
        .querySelector(`table.ranking tr[data-unit="${x.unit_id}"]`)
        ?.getAttribute('data-state');
      expect(state).toBe(x.target === null ? 'no_target' : state);
      if (x.actual !== null) expect(state).not.toBe('no_figure');
    }

    // the ranking table: every child the API ranks, in its order, linking to its own page
    const ranked = [...document.querySelectorAll('table.ranking tbody tr')];
    expect(ranked.map((x) => x.getAttribute('data-unit'))).toEqual(r.rows.map((x) => x.unit_id));
    for (const [i, row] of r.rows.entries()) {
      const a = ranked[i].querySelector('th a');
      expect(text(a)).toBe(row.name);
      expect(a?.getAttribute('href')).toBe(
        `/indicator/cccd_coverage?unit=${encodeURIComponent(row.unit_id)}&period=2025-Q4`,
      );
      expect(text(ranked[i].querySelectorAll('td')[1])).toContain(vi.pct(row.actual));
    }
    expect(body).toContain(vi.pct(r.parent.actual));

    // the definition names the numerator and denominator metrics
    const definition = text(document.querySelector('dl.definition'));
    expect(definition).toContain('cccd_issued');
    expect(definition).toContain('cccd_eligible');
  });

  it('switches to quarters and keeps the grain in its links', async () => {
    const { document } = await page(
      '/indicator/cccd_coverage?unit=VN&period=2025-Q4&grain=quarter',
    );
    const s = await api<SeriesResponse>(
      '/api/series?indicator=cccd_coverage&unit=VN&grain=quarter',
    );
    const rows = [...document.querySelectorAll('table.series tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-period'))).toEqual(s.points.map((p) => p.period));
    expect(countMarks(chartOf(document, 'series'))['mark-actual']).toBe(
      s.points.filter((p) => p.actual !== null).length,
    );
    const child = document.querySelector('table.ranking tbody th a');
    expect(child?.getAttribute('href')).toContain('grain=quarter');
  });

  it('shows each binding target with its plan, status, projection and chart marks', async () => {
    const { document } = await page('/indicator/vneid_accounts?unit=p91&period=2025-Q2');
    // as of the chosen quarter: the projections as evaluated then, not after the merger
    const s = await api<SeriesResponse>('/api/series?indicator=vneid_accounts&unit=p91&to=2025-Q2');
    expect(s.targets.length).toBe(2);
    expect(s.projection.map((p) => p.status)).not.toContain('superseded');
    const items = [...document.querySelectorAll('ul.targets > li')];
    expect(items.length).toBe(s.targets.length);
    for (const [i, target] of s.targets.entries()) {
      const line = text(items[i]);
      const p = s.projection.find((x) => x.target_id === target.target_id);
      expect(line).toContain(vi.int(target.value));
      expect(line).toContain(vi.date(target.deadline));
      expect(line).toContain('740/QĐ-UBND');
      expect(line).toContain(vi.status(p?.status).word);
      if (p?.forecast_on) expect(line).toContain(vi.date(p.forecast_on));
    }
    const latest = s.points.filter((p) => p.actual !== null).at(-1);
    expect(text(document.querySelector('.latest'))).toBe(vi.int(latest?.actual));
    const marks = countMarks(chartOf(document, 'series'));
    expect(marks['mark-target']).toBe(s.targets.length);
    expect(marks['mark-baseline']).toBe(s.targets.filter((x) => x.baseline !== null).length);
  });

  it('marks the history of An Giang before 2025-07 as rebuilt from its predecessors', async () => {
    const { document } = await page('/indicator/cccd_coverage?unit=p91@2025-07-01&period=2025-Q4');
    const rows = [...document.querySelectorAll('table.series tbody tr')];
    const before = rows.filter((r) => (r.getAttribute('data-period') ?? '') < '2025-07');
    const after = rows.filter((r) => (r.getAttribute('data-period') ?? '') >= '2025-07');
    expect(before.length).toBeGreaterThan(30);
    expect(after.length).toBe(6);
    for (const r of before) {
      expect(r.getAttribute('class')).toBe('reconstructed');
      expect(text(r)).toContain(vi.t('reconstructed'));
    }
    for (const r of after) expect(text(r)).not.toContain(vi.t('reconstructed'));
    expect(text(document.querySelector('p.note.reconstructed'))).toContain(
      vi.t('reconstructed_note'),
    );
    const marks = countMarks(chartOf(document, 'series'));
    expect(marks['mark-reconstructed-line']).toBeGreaterThan(0);
    expect(marks['mark-actual-line']).toBeGreaterThan(0);
  });

  it('speaks English with English numbers on ?lang=en, and its links keep the language', async () => {
    const { document } = await page('/indicator/cccd_coverage?unit=VN&period=2025-Q4&lang=en');
    const s = await api<SeriesResponse>('/api/series?indicator=cccd_coverage&unit=VN');
    const latest = s.points.filter((p) => p.actual !== null).at(-1)?.actual ?? null;
    expect(document.documentElement.getAttribute('lang')).toBe('en');
    expect(text(document.querySelector('h1'))).toContain(s.indicator.name_en);
    expect(text(document.querySelector('.latest'))).toBe(en.pct(latest));
    expect(en.pct(latest)).toMatch(/^\d+\.\d%$/);
    expect(text(document.querySelector('#series'))).toBe(en.t('indicator_series'));
    expect(text(document.querySelector('.lead'))).toContain('Latest actual');
    const links = [...document.querySelectorAll('main a[href^="/indicator"]')];
    expect(links.length).toBeGreaterThan(30);
    for (const a of links) expect(a.getAttribute('href')).toContain('lang=en');
  });

  it('answers an unknown indicator or unit with a 404 page and never echoes markup', async () => {
    const unknown = await page('/indicator/no_such_indicator', 404);
    expect(unknown.body).toContain('no_such_indicator');
    const evil = await page('/indicator/cccd_coverage?unit=%3Cscript%3Ealert(1)%3C/script%3E', 404);
    expect(evil.body).not.toContain('<script>');
    expect(evil.body).toContain('&lt;script&gt;');
    await page('/indicator/cccd_coverage?grain=%3Cb%3E', 400);
    const bad = await page('/indicator/cccd_coverage?grain=%3Cb%3E', 400);
    expect(bad.body).not.toContain('<b>');
  });
});
