// The unit page against the API on the same database: breadcrumbs, the children as of a date with
// their key figures as /api/ranking serves them, the 2025 reform both ways, and bad input.
import { describe, expect, it } from 'vitest';
import { text, usePages } from './pages.ts';
import { words } from '../../dashboards/i18n/index.ts';
import type { UnitResponse } from '../../api/schemas/units.ts';
import type { RankingResponse } from '../../api/schemas/ranking.ts';

const { page, api } = usePages();

const vi = words('vi');
const en = words('en');

describe('GET /unit', () => {
  it('is the country: its children as of the date, each with the key figures of the quarter', async () => {
    const { document } = await page('/unit?as_of=2026-01-25');
    expect(text(document.querySelector('h1'))).toContain('Việt Nam');
    const detail = await api<UnitResponse>('/api/units/VN?as_of=2026-01-25');
    const rows = [...document.querySelectorAll('table.children tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-unit'))).toEqual(
      detail.children.map((c) => c.unit_id),
    );
    expect(rows.length).toBe(34);
    const coverage = await api<RankingResponse>(
      '/api/ranking?indicator=cccd_coverage&unit=VN&period=2025-Q4',
    );
    for (const [i, child] of detail.children.entries()) {
      const cells = rows[i].querySelectorAll('td');
      expect(text(cells[0])).toBe(child.code);
      const link = rows[i].querySelector('th a');
      expect(text(link)).toBe(child.full_name);
      expect(link?.getAttribute('href')).toBe(
        `/unit/${encodeURIComponent(child.unit_id)}?as_of=2026-01-25`,
      );
      const figure = coverage.rows.find((r) => r.unit_id === child.unit_id);
      expect(text(cells[3])).toContain(vi.pct(figure?.actual));
      expect(
        rows[i].querySelector(
          `a[href="/?unit=${encodeURIComponent(child.unit_id)}&period=2025-Q4"]`,
        ),
      ).not.toBeNull();
    }
    expect(text(document.querySelector('#headline'))).toContain(vi.period('2025-Q4'));
  });

  it('lists the provinces of before the reform when asked as of mid-2024', async () => {
    const { document } = await page('/unit/VN?as_of=2024-06-30');
    const detail = await api<UnitResponse>('/api/units/VN?as_of=2024-06-30');
    const rows = [...document.querySelectorAll('table.children tbody tr')];
    expect(rows.length).toBe(63);
    expect(rows.map((r) => r.getAttribute('data-unit'))).toEqual(
      detail.children.map((c) => c.unit_id),
    );
    // the date field shows the Vietnamese day/month/year whatever the browser's locale (15.6)
    expect((document.querySelector('input[name="as_of"]') as HTMLInputElement | null)?.value).toBe(
      '30/06/2024',
    );
  });

  it('shows An Giang’s predecessors, the merge and the rebuilt-figures note', async () => {
    const { document } = await page('/unit/p91@2025-07-01');
    const crumbs = document.querySelector('nav.crumbs');
    expect(crumbs?.getAttribute('aria-label')).toBe(vi.t('breadcrumbs'));
    expect(crumbs?.querySelector('a')?.getAttribute('href')).toBe('/unit/VN');
    expect(text(crumbs?.querySelector('[aria-current="page"]'))).toBe('Tỉnh An Giang');
    const detail = await api<UnitResponse>('/api/units/p91@2025-07-01');
    const links = [...document.querySelectorAll('table.succession tbody tr')];
    expect(links.length).toBe(detail.predecessors.length);
    for (const [i, p] of detail.predecessors.entries()) {
      expect(links[i].querySelector('a')?.getAttribute('href')).toBe(`/unit/${p.unit_id}`);
      expect(text(links[i])).toContain(vi.date(p.effective_on));
      expect(text(links[i])).toContain(vi.t('unit_kind_merge'));
    }
    expect(text(document.querySelector('#reform + p'))).toBe(vi.t('reconstructed_note'));
    expect(text(document.querySelector('dl.unit-facts'))).toContain('01/07/2025');
  });

  it('shows Kiên Giang’s end and its successor', async () => {
    const { document } = await page('/unit/p91');
    expect(text(document.querySelector('dl.unit-facts'))).toContain('30/06/2025');
    const successor = document.querySelector('table.succession a');
    expect(successor?.getAttribute('href')).toBe(`/unit/${encodeURIComponent('p91@2025-07-01')}`);
    expect(text(document.querySelector('table.succession caption'))).toBe(vi.t('successors'));
    expect(document.querySelector('p.note.reconstructed')).toBeNull();
  });

  it('speaks English on ?lang=en and keeps the language in its links', async () => {
    const { document } = await page('/unit?as_of=2026-01-25&lang=en');
    expect(text(document.querySelector('h1'))).toBe(`${en.t('unit_title')}: Việt Nam`);
    const links = [...document.querySelectorAll('table.children a')];
    expect(links.length).toBeGreaterThan(100);
    for (const a of links) expect(a.getAttribute('href')).toContain('lang=en');
    const cell = text(document.querySelector('table.children tbody td.num a'));
    expect(cell).toMatch(/^\d+\.\d%$/);
  });

  it('answers an unknown unit with 404, a bad date with 400, and escapes what it echoes', async () => {
    const evil = await page('/unit/%3Cscript%3Ealert(1)%3C%2Fscript%3E', 404);
    expect(evil.body).not.toContain('<script>');
    expect(evil.body).toContain('&lt;script&gt;');
    const date = await page('/unit?as_of=%3Cscript%3E', 400);
    expect(date.body).not.toContain('<script>');
    await page('/unit?as_of=2025-02-30', 400);
  });
});
