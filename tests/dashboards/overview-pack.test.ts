// The overview and the quarterly pack on a copy of the demo database: the numbers they print are
// the API's, the pack covers the unit's own plans, and a pack saved as reviewed keeps its figures
// and shows what changed since.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDemoApp } from '../api/app.ts';
import { PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { words } from '../../dashboards/i18n/index.ts';
import { COMPARATORS, targetState } from '../../dashboards/pages/common.ts';

const t = useDemoApp();
let admin: string;
beforeAll(() => {
  admin = t.app.tokens.create('admin', null, 'pack reviewer').token;
});

const vi = words('vi');
const en = words('en');
const get = async (url: string) => {
  const res = await t.app.inject(url);
  expect(res.statusCode, url).toBe(200);
  return res;
};
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('under load', () => {
  it('answers many pages at once right after a data change (no reader waits on another)', async () => {
    // a new data version: the unit index is rebuilt while the pages take every reader
    await t.app.warehouse.write((db) =>
      db.run("insert or replace into core.meta values ('probe', 'x')"),
    );
    const urls = Array.from({ length: 8 }, (_, i) => `/?unit=VN&period=2025-Q4&n=${i}`);
    const answers = await Promise.all(urls.map((url) => t.app.inject(url)));
    expect(answers.map((r) => r.statusCode)).toEqual(urls.map(() => 200));
  }, 20_000);
});

describe('overview', () => {
  it("prints every indicator's actual and every target's status as GET /api/scorecard", async () => {
    // Kiên Giang before the merger, when its plan's targets bound it
    const card = (await get('/api/scorecard?unit=p91&period=2025-Q2')).json();
    const page = text((await get('/?unit=p91&period=2025-Q2')).body);
    expect(page).toContain('Tỉnh Kiên Giang, Quý II/2025');
    let targets = 0;
    for (const row of card.rows) {
      expect(page).toContain(row.name_vi);
      if (row.actual !== null) {
        expect(page).toContain(row.unit === 'percent' ? vi.pct(row.actual) : vi.int(row.actual));
      }
      for (const target of row.targets) {
        targets++;
        // the state shown (issue 15.1): the engine's verdict only beside a figure of the quarter
        expect(page).toContain(
          `${vi.state(targetState(target, row.actual)).word} ${vi.t('target')}: ${COMPARATORS[target.comparator]}`,
        );
      }
    }
    // six on the catalogue's first indicators, and two 2023–2025 targets (one-stop desk
    // e-identification, results stored electronically) measured since issue 12
    expect(targets).toBe(8);
    // the headline cards count the same states
    type Row = { actual: number | null; targets: { status: string }[] };
    const shown = card.rows.flatMap((r: Row) => r.targets.map((x) => targetState(x, r.actual)));
    for (const status of ['achieved', 'on_track', 'at_risk', 'off_track'] as const) {
      const n = shown.filter((x: string) => x === status).length;
      expect(page).toMatch(new RegExp(`${n} \\S+ ${vi.state(status).word}`));
    }
  });

  it('draws each sparkline from the same points as GET /api/series (the last eight quarters)', async () => {
    const { recentPoints } = await import('../../api/services/series.ts');
    const recent = await t.app.warehouse.read((db) =>
      recentPoints(db, 'p91', 'quarter', '2025-Q2', 8),
    );
    expect(recent.size).toBe(15);
    for (const [indicator, points] of recent) {
      const s = (
        await get(`/api/series?indicator=${indicator}&unit=p91&grain=quarter&to=2025-Q2`)
      ).json();
      expect(points).toEqual(s.points.slice(-8));
    }
  });

  it("links each indicator's actual to the rows it was computed from", async () => {
    const card = (await get('/api/scorecard?unit=p91&period=2025-Q2')).json();
    const row = card.rows.find((r: { indicator_id: string }) => r.indicator_id === 'cccd_coverage');
    const body = (await get('/?unit=p91&period=2025-Q2')).body;
    const link = new RegExp(
      `href="(/api/export/observations\\.csv\\?[^"]*indicator=cccd_coverage[^"]*)"`,
    ).exec(body)?.[1];
    expect(link).toBeDefined();
    const csv = (await get((link as string).replace(/&amp;/g, '&'))).body.trim().split('\r\n');
    const [header, ...lines] = csv.map((l) => l.split(','));
    const at = (name: string) => header.indexOf(name);
    // a stock: the quarter's figure is its last month's, Kiên Giang's own report
    const june = lines.filter((l) => l[at('period')] === '2025-06' && l[at('unit_id')] === 'p91');
    const value = (metric: string) =>
      Number(june.find((l) => l[at('metric')] === metric)?.[at('value')]);
    expect(value('cccd_issued')).toBe(row.numerator);
    expect(value('cccd_eligible')).toBe(row.denominator);
    expect((100 * value('cccd_issued')) / value('cccd_eligible')).toBeCloseTo(row.actual, 9);
  });

  it('says the data is synthetic and when it was loaded, in English too', async () => {
    const page = (await get('/?unit=VN&period=2025-Q4&lang=en')).body;
    expect(page).toContain('SYNTHETIC DATA');
    expect(page).toMatch(/Data last loaded: \d\d [A-Z][a-z]{2} \d{4}/);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Q4 2025');
  });
});

describe('the quarterly pack', () => {
  it("covers the unit's own plans (and its predecessors'): An Giang's includes Kiên Giang's tasks only", async () => {
    const pack = text((await get('/pack?unit=p91@2025-07-01&period=2025-Q4')).body);
    const tasks = (
      await get('/api/tasks?plan=qd-740-2022-kien-giang&overdue=true&as_of=2025-12-31')
    ).json();
    expect(tasks.tasks.length).toBeGreaterThan(0);
    expect(pack).toContain(
      vi.t('pack_overdue_total', { n: tasks.tasks.length, date: vi.date('2025-12-31') }),
    );
    expect(pack).toContain('qd-740-2022-kien-giang');
    expect(pack).not.toContain('kh-2024-ho-chi-minh');
  });

  it('counts every status in its headline: the four always, others (missed) when present', async () => {
    const card = (await get('/api/scorecard?unit=p79&period=2025-Q2')).json();
    const statuses = card.rows.flatMap((r: { targets: { status: string }[] }) =>
      r.targets.map((t) => t.status),
    );
    const missed = statuses.filter((s: string) => s === 'missed').length;
    expect(missed).toBeGreaterThan(0);
    const pack = text((await get('/pack?unit=p79&period=2025-Q2')).body);
    expect(pack).toContain(`${missed} ${vi.status('missed').icon} ${vi.status('missed').word}`);
    expect(pack).toContain(`0 ${vi.status('off_track').icon} ${vi.status('off_track').word}`);
  });

  it('lists late reporters as the reporting grid has them', async () => {
    const grid = (await get('/api/reporting?unit=VN&from=2025-10&to=2025-12')).json();
    const late = grid.cells.filter(
      (c: { status: string }) => c.status === 'late' || c.status === 'missing',
    );
    const pack = text((await get('/pack?unit=VN&period=2025-Q4')).body);
    for (const c of late.slice(0, 5)) {
      const unit = grid.units.find((u: { unit_id: string }) => u.unit_id === c.unit_id);
      expect(pack).toContain(unit.name);
    }
  });

  it('refuses a month, and an unknown unit, with an HTML page', async () => {
    const month = await t.app.inject('/pack?unit=VN&period=2025-11');
    expect(month.statusCode).toBe(400);
    expect(month.headers['content-type']).toContain('text/html');
    const unknown = await t.app.inject('/pack?unit=77&period=2025-Q4');
    expect(unknown.statusCode).toBe(404);
  });

  it('is saved as reviewed only with an admin token, then shows the reviewed figures and what changed', async () => {
    const url = '/pack?unit=p91@2025-07-01&period=2025-Q4';
    const before = (await get(url)).body;
    const cardBefore = (await get('/api/scorecard?unit=p91@2025-07-01&period=2025-Q4')).json();
    const formBody = (token: string) =>
      new URLSearchParams({
        unit: 'p91@2025-07-01',
        period: '2025-Q4',
        lang: 'vi',
        token,
      }).toString();
    const refused = await t.app.inject({
      method: 'POST',
      url: '/pack/review',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody('ct_000000000000_' + 'A'.repeat(43)),
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('text/html');
    expect(
      await t.app.warehouse.read((db) => db.scalar('select count(*) from core.pack_reviews')),
    ).toBe(0n);

    const saved = await t.app.inject({
      method: 'POST',
      url: '/pack/review',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: formBody(admin),
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/pack?unit=p91%402025-07-01&period=2025-Q4');
    const audit = await t.app.warehouse.read((db) =>
      db.all<{ action: string; status: number }>(
        'select action, status from core.audit where action = \'pack.review\' order by "at"',
      ),
    );
    expect(audit).toEqual([
      { action: 'pack.review', status: 403 },
      { action: 'pack.review', status: 303 },
    ]);
    const reviewed = (await get(url)).body;
    expect(reviewed).not.toBe(before);
    // who reviewed is named by the token's label, never by the token's id (issue 15.5)
    expect(text(reviewed)).toMatch(/Số liệu đã được xem xét ngày \d\d:\d\d \d\d\/\d\d\/\d{4} \(/);
    expect(reviewed).not.toMatch(/token:/);
    expect(text(reviewed)).toContain(`${vi.t('pack_differences')} ${vi.t('none')}`);

    // a correction arrives: An Giang's December CCCD figure is revised down
    const row = cardBefore.rows.find(
      (r: { indicator_id: string }) => r.indicator_id === 'cccd_coverage',
    );
    const revised = Math.round(row.numerator * 0.5);
    const csv = `unit_code,period,metric,value\n91,2025-12,cccd_issued,${revised}\n`;
    const data = new FormData();
    data.append('file', new Blob([csv]), 'correction.csv');
    const encoded = new Response(data);
    const upload = await t.app.inject({
      method: 'POST',
      url: '/api/ingest',
      headers: {
        authorization: `Bearer ${admin}`,
        'content-type': encoded.headers.get('content-type')!,
      },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(upload.statusCode, upload.body).toBe(200);
    expect(upload.json().rowsRevised).toBe(1);
    const now = (await get('/api/scorecard?unit=p91@2025-07-01&period=2025-Q4')).json();
    const nowRow = now.rows.find(
      (r: { indicator_id: string }) => r.indicator_id === 'cccd_coverage',
    );
    expect(nowRow.actual).toBeLessThan(row.actual);

    // the pack still shows what was reviewed, and lists the change
    const after = text((await get(url)).body);
    expect(after).toContain(vi.pct(row.actual));
    expect(after).toContain(
      `${row.name_vi} (${vi.t('actual')}) ${vi.pct(row.actual)} ${vi.pct(nowRow.actual)}`,
    );
    // ?current=1 shows today's figures
    const current = text((await get(`${url}&current=1`)).body);
    expect(current).toContain(vi.pct(nowRow.actual));
    expect(en.t('pack_reviewed', { date: 'x' })).toBe('As reviewed on x');
  });
});

describe('chitieu report', () => {
  const chitieu = (args: string[]) =>
    spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/chitieu.js'), 'report', ...args], {
      env: { ...process.env, CHITIEU_DB: join(t.dir, 'report.duckdb') },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('writes the pack as HTML and as an A4 PDF; usage errors exit 2', async () => {
    // the server holds its file: the command reads a checkpointed copy
    await t.app.warehouse.write((db) => db.run('checkpoint'));
    const { copyFileSync } = await import('node:fs');
    copyFileSync(t.config.dbPath, join(t.dir, 'report.duckdb'));
    const html = chitieu([
      '--unit',
      '91',
      '--quarter',
      'Quý IV/2025',
      '--html',
      join(t.dir, 'p.html'),
      '--lang',
      'en',
    ]);
    expect(html.stderr).toBe('');
    expect(html.status).toBe(0);
    const doc = readFileSync(join(t.dir, 'p.html'), 'utf8');
    expect(doc).toContain('<style>');
    expect(doc).toContain('Quarterly report — Scheme 06 — Tỉnh An Giang, Q4 2025');
    const pdf = chitieu(['--unit', 'VN', '--quarter', '2025-Q4', '--pdf', join(t.dir, 'p.pdf')]);
    expect(pdf.status, pdf.stderr).toBe(0);
    expect(readFileSync(join(t.dir, 'p.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(chitieu(['--unit', 'VN', '--quarter', '2025-Q4']).status).toBe(2);
    expect(chitieu(['--unit', 'VN', '--quarter', '2025-13', '--pdf', 'x.pdf']).status).toBe(2);
  });
});
