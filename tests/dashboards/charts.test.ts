// Chart builders: their options objects against golden specs (functions by name, floats rounded,
// marks by type, channels and data), their SVG by counting what each mark drew, and the laws
// that hold for any input (fast-check). Goldens: tests/golden/charts/*.json, rewritten only with
// UPDATE_GOLDEN=1 (`UPDATE_GOLDEN=1 npx vitest run tests/dashboards/charts.test.ts`).
import * as Plot from '@observablehq/plot';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allStyles,
  countScale,
  periodDate,
  rankingChart,
  rankRows,
  reportingChart,
  seriesChart,
  sparkline,
  STATUSES,
  statusStyle,
  taskState,
  timelineChart,
  type RankingRow,
  type ReportingGrid,
  type SeriesResponse,
  type TimelineTask,
} from '../../dashboards/charts/index.ts';
import { countMarks, renderPlot } from '../../dashboards/render/plot.ts';
import { golden } from '../golden/golden.ts';
import { spec } from '../golden/spec.ts';
import { STATUS_LABELS } from '../../indicators/i18n/status.ts';

// ---- realistic inputs ----

const MONTHS = Array.from(
  { length: 24 },
  (_, i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
);

/** An Giang after the 1/7/2025 merge: months before July 2025 are rebuilt from An Giang + Kiên Giang. */
const SERIES: SeriesResponse = {
  unit: { unit_id: 'tinh-an-giang-2025', code: '91', name: 'Tỉnh An Giang', level: 'province' },
  indicator_id: 'cccd_coverage',
  points: MONTHS.slice(0, 22).map((period, i) => ({
    period,
    actual: 61.2 + i * 1.27 + (i % 3) * 0.35,
    numerator: null,
    denominator: null,
    coverage: period === '2025-10' ? 0.8 : 1,
    reconstructed: period < '2025-07',
  })),
  targets: [
    {
      target_id: 'qd-740-2022-kien-giang/2025-cccd',
      value: 100,
      comparator: '>=',
      deadline: '2025-12-31',
      window_start: '2024-01-01',
      baseline: 58.4,
      plan_id: 'qd-740-2022-kien-giang',
      clause: 'II.2.b',
    },
    {
      target_id: 'kh-bcd-2024-ba-ria-vung-tau/2025-cccd',
      value: 90,
      comparator: '>=',
      deadline: '2025-12-31',
      window_start: '2025-01-01',
      baseline: null,
      plan_id: 'kh-bcd-2024-ba-ria-vung-tau',
      clause: 'II.1',
    },
  ],
  expected: [
    {
      target_id: 'qd-740-2022-kien-giang/2025-cccd',
      points: MONTHS.map((period, i) => ({
        period,
        expected: 58.4 + ((100 - 58.4) * (i + 1)) / 24,
      })),
    },
  ],
  projection: [
    {
      target_id: 'qd-740-2022-kien-giang/2025-cccd',
      projected: 91.6,
      forecast_on: null,
      status: 'at_risk',
    },
    {
      target_id: 'kh-bcd-2024-ba-ria-vung-tau/2025-cccd',
      projected: 91.6,
      forecast_on: '2025-12-04',
      status: 'on_track',
    },
  ],
};
const PLANS = {
  'qd-740-2022-kien-giang': '740/QĐ-UBND',
  'kh-bcd-2024-ba-ria-vung-tau': 'KH BCĐ 2024',
};

/** A count indicator, quarterly, nothing reconstructed. */
const ACCOUNTS: SeriesResponse = {
  unit: {
    unit_id: 'tp-ho-chi-minh-2025',
    code: '79',
    name: 'Thành phố Hồ Chí Minh',
    level: 'province',
  },
  indicator_id: 'vneid_accounts',
  points: ['2024-Q1', '2024-Q2', '2024-Q3', '2024-Q4', '2025-Q1', '2025-Q2', '2025-Q3'].map(
    (period, i) => ({
      period,
      actual: 5_200_000 + i * 410_000,
      numerator: null,
      denominator: null,
      coverage: 1,
      reconstructed: false,
    }),
  ),
  targets: [
    {
      target_id: 'kh-2024-ho-chi-minh/vneid',
      value: 8_500_000,
      comparator: '>=',
      deadline: '2025-12-31',
      window_start: '2024-01-01',
      baseline: 5_000_000,
      plan_id: 'kh-2024-ho-chi-minh',
      clause: 'II.2',
    },
  ],
  projection: [
    {
      target_id: 'kh-2024-ho-chi-minh/vneid',
      projected: 8_210_000,
      forecast_on: null,
      status: 'off_track',
    },
  ],
};

const RANKING: RankingRow[] = [
  ['Tỉnh An Giang', '91', 88.4, 1, 'on_track', 0.97, 95],
  ['Thành phố Cần Thơ', '92', 93.1, 1, 'achieved', 1.02, 90],
  ['Tỉnh Vĩnh Long', '86', 71.5, 0.8, 'off_track', 0.41, 95],
  ['Tỉnh Đồng Tháp', '82', 84.2, 1, 'at_risk', 0.77, 95],
  ['Tỉnh Cà Mau', '96', null, null, 'no_data', null, 95],
  ['Tỉnh Tây Ninh', '80', 79.9, 0.6, 'regressing', -0.1, 95],
].map(([name, code, actual, coverage, status, ratio, target_value]) => ({
  unit_id: `u-${code}`,
  code: code as string,
  name: name as string,
  actual: actual as number | null,
  coverage: coverage as number | null,
  status: status as string,
  ratio: ratio as number | null,
  target_value: target_value as number,
}));

const TASKS: TimelineTask[] = [
  ['01', 'Rà soát, làm sạch dữ liệu dân cư', 'Công an tỉnh', 'Nhóm 1', '2024-03-31', 'done', false],
  [
    '02',
    'Tích hợp xác thực VNeID trên Cổng DVC tỉnh',
    'Sở Thông tin và Truyền thông',
    'Nhóm 1',
    '2024-06-30',
    'in_progress',
    true,
  ],
  [
    '03',
    'Số hóa hồ sơ, kết quả giải quyết TTHC',
    'Văn phòng UBND tỉnh',
    'Nhóm 1',
    '2024-06-30',
    'planned',
    true,
  ],
  [
    '04',
    'Thanh toán không dùng tiền mặt an sinh xã hội',
    'Sở Lao động - Thương binh và Xã hội',
    'Nhóm 2',
    '2026-03-31',
    'planned',
    false,
  ],
  ['05', 'Khám chữa bệnh bằng CCCD gắn chíp', 'Sở Y tế', 'Nhóm 2', '2024-12-31', 'done', false],
  [
    '06',
    'Cấp CCCD cho công dân đủ điều kiện',
    'Công an tỉnh',
    'Nhóm 3',
    '2024-06-30',
    'done',
    false,
  ],
  [
    '07',
    'Kích hoạt tài khoản định danh mức 2',
    'Công an tỉnh',
    'Nhóm 3',
    '2024-06-30',
    'in_progress',
    true,
  ],
  [
    '08',
    'Tuyên truyền Đề án 06',
    'Sở Thông tin và Truyền thông',
    'Nhóm 4',
    null,
    'in_progress',
    false,
  ],
  [
    '09',
    'Chuẩn hóa biểu mẫu điện tử',
    'Văn phòng UBND tỉnh',
    'Nhóm 1',
    '2026-06-30',
    'cancelled',
    false,
  ],
].map(([number, title, lead, group_name, due_on, status, overdue]) => ({
  number: number as string,
  title: title as string,
  lead: lead as string,
  group_name: group_name as string,
  due_on: due_on as string | null,
  status: status as string,
  overdue: overdue as boolean,
}));
const TODAY = '2025-11-20';

const REPORTING_UNITS = [
  ['p-an-giang', '91', 'Tỉnh An Giang'],
  ['p-can-tho', '92', 'Thành phố Cần Thơ'],
  ['p-ca-mau', '96', 'Tỉnh Cà Mau'],
].map(([unit_id, code, name]) => ({ unit_id, code, name }));
const REPORTING_PERIODS = MONTHS.slice(12);
const REPORTING: ReportingGrid = {
  units: REPORTING_UNITS,
  periods: REPORTING_PERIODS,
  cells: REPORTING_UNITS.flatMap((u, j) =>
    REPORTING_PERIODS.flatMap((period, i) => {
      if (u.unit_id === 'p-ca-mau' && i < 2) return []; // no obligation yet
      const status =
        i >= 10
          ? 'pending'
          : (i + j) % 5 === 0
            ? 'late'
            : (i * (j + 1)) % 7 === 3
              ? 'missing'
              : 'on_time';
      return [{ unit_id: u.unit_id, period, status }];
    }),
  ),
};

function expectGolden(name: string, options: Plot.PlotOptions) {
  const { expected, actual } = golden(`charts/${name}`, spec(options));
  expect(actual).toEqual(expected);
}

const render = (options: Plot.PlotOptions) =>
  renderPlot(options, { title: 'Biểu đồ', description: 'Mô tả biểu đồ' });

// ---- specs against goldens ----

describe('chart specs (golden)', () => {
  it('series: percent, reconstructed months, two plans, vi', () => {
    expectGolden('series-vi', seriesChart(SERIES, { lang: 'vi', unit: 'percent', plans: PLANS }));
  });
  it('series: counts by quarter, en', () => {
    expectGolden('series-count-en', seriesChart(ACCOUNTS, { lang: 'en', unit: 'count' }));
  });
  it('sparkline', () => {
    expectGolden('sparkline', sparkline(SERIES.points, { lang: 'vi', unit: 'percent' }));
  });
  it('ranking', () => {
    expectGolden('ranking', rankingChart(RANKING, { lang: 'vi', unit: 'percent' }));
  });
  it('timeline', () => {
    expectGolden('timeline', timelineChart(TASKS, { lang: 'vi', today: TODAY }));
  });
  it('reporting', () => {
    expectGolden('reporting', reportingChart(REPORTING, { lang: 'en' }));
  });
});

// ---- rendering ----

describe('renderPlot', () => {
  it('is accessible: role, aria-label, <title> and <desc> on the svg', () => {
    const svg = renderPlot(sparkline(SERIES.points, { lang: 'vi', unit: 'percent' }), {
      title: 'Xu hướng: Tỷ lệ cấp CCCD',
      description: 'Tháng 3/2025: 85,3%',
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/<svg[^>]*role="img"/);
    expect(svg).toMatch(/<svg[^>]*aria-label="Xu hướng: Tỷ lệ cấp CCCD"/);
    expect(svg).toContain(
      '<title>Xu hướng: Tỷ lệ cấp CCCD</title><desc>Tháng 3/2025: 85,3%</desc>',
    );
  });

  it('returns the figure when there is a legend, the svg still labelled', () => {
    const out = render(rankingChart(RANKING, { lang: 'vi', unit: 'percent' }));
    expect(out.startsWith('<figure')).toBe(true);
    expect(out).toMatch(/<svg[^>]*role="img"/);
  });

  it('is deterministic, clip ids included, and never warns', () => {
    const options = seriesChart(SERIES, { lang: 'vi', unit: 'percent', plans: PLANS });
    const a = render(options);
    render(timelineChart(TASKS, { lang: 'vi', today: TODAY })); // moves Plot's global counters
    const b = render(options);
    expect(a).toBe(b);
    expect(a).toMatch(/id="c[0-9a-f]{8}-clip-1"/);
    expect(a).not.toContain('plot-clip-');
    expect(a).not.toContain('⚠');
  });

  it('series: a dot per point, reconstructed ones as rings joined by a dashed line', () => {
    const svg = render(seriesChart(SERIES, { lang: 'vi', unit: 'percent', plans: PLANS }));
    const marks = countMarks(svg);
    const points = SERIES.points ?? [];
    const rebuilt = points.filter((p) => p.reconstructed).length;
    expect(marks['mark-actual']).toBe(points.length);
    // segments touching a reconstructed point are dashed: every gap up to the first reported one
    expect(marks['mark-reconstructed-line']).toBe(rebuilt);
    expect(marks['mark-actual-line']).toBe(points.length - 1 - rebuilt);
    expect(marks['mark-target']).toBe(2);
    expect(marks['mark-target-label']).toBe(2);
    expect(marks['mark-expected']).toBe(1);
    expect(marks['mark-baseline']).toBe(1);
    expect(marks['mark-projection']).toBe(2);
    expect(marks['mark-forecast']).toBe(1);
    // reported points are discs (one subpath), reconstructed ones rings (two: outer, hole)
    const dots = /<g[^>]*class="mark-actual"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    const subpaths = [...dots.matchAll(/<path d="([^"]*)"/g)].map(
      (m) => m[1].split('M').length - 1,
    );
    expect(subpaths.filter((n) => n === 1)).toHaveLength(points.length - rebuilt);
    expect(subpaths.filter((n) => n === 2)).toHaveLength(rebuilt);
    // the legend names both kinds of point and both plans
    expect(svg).toContain('dựng lại từ đơn vị cũ');
    expect(svg).toContain('740/QĐ-UBND');
    expect(svg).toContain('KH BCĐ 2024');
    expect(svg).toContain('Dự báo 91,6% · ! Có nguy cơ chậm');
    expect(svg).toContain('100%');
  });

  it('series: counts on compact axes, no legend for kinds when nothing is rebuilt', () => {
    const svg = render(seriesChart(ACCOUNTS, { lang: 'vi', unit: 'count' }));
    expect(countMarks(svg)['mark-actual']).toBe(7);
    expect(svg).toContain('>8&#160;Tr</text>'); // vi-VN compact: a no-break space
    expect(svg).not.toContain('dựng lại');
    expect(render(seriesChart(ACCOUNTS, { lang: 'en', unit: 'count' }))).toContain('>8m</text>'); // en-GB compact
  });

  it('series: the projection starts at the last actual and ends at the deadline', () => {
    const options = seriesChart(SERIES, { lang: 'vi', unit: 'percent', plans: PLANS });
    const link = (options.marks as Plot.Markish[]).find(
      (m) => (m as unknown as { className?: string }).className === 'mark-projection',
    ) as unknown as { data: Array<{ x1: Date; y1: number; x2: Date; y2: number }> };
    const points = SERIES.points ?? [];
    const last = points[points.length - 1];
    for (const row of link.data) {
      expect(row.x1).toEqual(periodDate(last.period));
      expect(row.y1).toBe(last.actual);
      expect(row.x2).toEqual(new Date('2025-12-31T00:00:00Z'));
      expect(row.y2).toBe(91.6);
    }
  });

  it('sparkline: the last eight points and one dot', () => {
    const marks = countMarks(render(sparkline(SERIES.points, { lang: 'vi', unit: 'percent' })));
    expect((marks['mark-actual-line'] ?? 0) + (marks['mark-reconstructed-line'] ?? 0)).toBe(7);
    expect(marks['mark-last']).toBe(1);
    expect(marks['y-axis tick']).toBeUndefined();
  });

  it('ranking: a bar per child with data, a note per child, status words printed', () => {
    const svg = render(rankingChart(RANKING, { lang: 'vi', unit: 'percent' }));
    const marks = countMarks(svg);
    expect(marks['mark-bar']).toBe(RANKING.filter((r) => r.actual !== null).length);
    expect(marks['mark-note']).toBe(RANKING.length);
    expect(marks['mark-target']).toBe(RANKING.length);
    expect(svg).toContain('▼ Chậm tiến độ · độ phủ 80%');
    expect(svg).toContain('? Chưa có số liệu');
    expect(svg).toContain('✔ Thành phố Cần Thơ');
  });

  it('timeline: a dot per dated task, a today rule, the undated counted', () => {
    const options = timelineChart(TASKS, { lang: 'vi', today: TODAY });
    const marks = countMarks(render(options));
    expect(marks['mark-task']).toBe(TASKS.filter((t) => t.due_on).length);
    expect(marks['mark-today']).toBe(1);
    expect(options.ariaDescription).toContain('1 nhiệm vụ không có hạn cụ thể');
    expect(options.ariaDescription).toContain('▲ Quá hạn: 3');
  });

  it('timeline: tasks due the same day in one lane do not overlap', () => {
    const options = timelineChart(TASKS, { lang: 'vi', today: TODAY });
    const dots = (options.marks as Plot.Markish[]).find(
      (m) => (m as unknown as { className?: string }).className === 'mark-task',
    ) as unknown as { data: Array<{ date: Date; y: number }> };
    const places = dots.data.map((d) => `${+d.date}|${d.y}`);
    expect(new Set(places).size).toBe(places.length);
  });

  it('reporting: a cell and a symbol per obligation, blanks where there is none', () => {
    const svg = render(reportingChart(REPORTING, { lang: 'vi' }));
    const marks = countMarks(svg);
    expect(marks['mark-cell']).toBe(REPORTING.cells.length);
    expect(marks['mark-symbol']).toBe(REPORTING.cells.length);
    expect(REPORTING.cells.length).toBe(3 * 12 - 2);
    for (const symbol of ['✓', '!', '✗', '·']) expect(svg).toContain(`>${symbol}</text>`);
  });
});

// ---- laws ----

const LANGS = ['vi', 'en'] as const;

describe('chart laws', () => {
  it('every status, reporting state and task state has its own colour and its own icon + word', () => {
    for (const lang of LANGS) {
      const styles = allStyles(lang);
      for (const kind of [styles.status, styles.reporting, styles.task]) {
        expect(new Set(kind.map((s) => s.colour.toLowerCase())).size).toBe(kind.length);
        expect(new Set(kind.map((s) => `${s.icon} ${s.word}`)).size).toBe(kind.length);
        expect(new Set(kind.map((s) => s.word)).size).toBe(kind.length);
      }
      expect(new Set(styles.reporting.map((s) => s.icon)).size).toBe(4);
      expect(new Set(styles.task.map((s) => s.shape)).size).toBe(4);
    }
  });

  it('an unknown status reads as no data', () => {
    expect(statusStyle('nonsense', 'vi').id).toBe('no_data');
    // the engine's no_data word, whatever the vocabulary calls it (indicators/i18n/status.ts)
    expect(statusStyle(null, 'en').word).toBe(STATUS_LABELS.no_data.en);
  });

  const rankingRow = fc.record({
    unit_id: fc.uuid(),
    code: fc.option(fc.stringMatching(/^\d{2}$/)),
    name: fc.constantFrom(
      'Tỉnh An Giang',
      'Tỉnh Cà Mau',
      'Thành phố Cần Thơ',
      'Xã Sơn Ninh',
      'Phường 1',
    ),
    actual: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    coverage: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    status: fc.option(fc.constantFrom(...STATUSES, 'unknown')),
    ratio: fc.option(fc.double({ min: -1, max: 2, noNaN: true })),
    target_value: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
  });

  it('ranking order is best first by actual, units without data last', () => {
    fc.assert(
      fc.property(
        fc.array(rankingRow, { maxLength: 30 }),
        fc.constantFrom('up', 'down'),
        (rows, direction) => {
          const ranked = rankRows(rows, direction as 'up' | 'down');
          expect(ranked).toHaveLength(rows.length);
          const values = ranked.map((r) => r.actual);
          const firstNull = values.indexOf(null);
          const known = (firstNull === -1 ? values : values.slice(0, firstNull)) as number[];
          if (firstNull !== -1) expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
          for (let i = 1; i < known.length; i++) {
            if (direction === 'up') expect(known[i - 1]).toBeGreaterThanOrEqual(known[i]);
            else expect(known[i - 1]).toBeLessThanOrEqual(known[i]);
          }
          const chart = rankingChart(rows, {
            lang: 'vi',
            unit: 'percent',
            direction: direction as 'up' | 'down',
          });
          if (rows.length)
            expect((chart.y as { domain: string[] }).domain).toHaveLength(rows.length);
        },
      ),
    );
  });

  it('taskState: done and cancelled win over overdue', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('planned', 'in_progress', 'done', 'cancelled'),
        fc.boolean(),
        (status, overdue) => {
          const state = taskState({ status, overdue });
          if (status === 'done' || status === 'cancelled') expect(state).toBe(status);
          else expect(state).toBe(overdue ? 'overdue' : 'upcoming');
        },
      ),
    );
  });

  const builders = (lang: 'vi' | 'en') => ({
    series: (empty: boolean) =>
      seriesChart(
        empty
          ? { indicator_id: 'cccd_coverage' }
          : {
              indicator_id: 'cccd_coverage',
              points: [],
              targets: [],
              expected: [],
              projection: [],
            },
        { lang, unit: 'percent' },
      ),
    sparkline: (empty: boolean) => sparkline(empty ? undefined : [], { lang, unit: 'count' }),
    ranking: (empty: boolean) => rankingChart(empty ? null : [], { lang, unit: 'percent' }),
    timeline: (empty: boolean) => timelineChart(empty ? undefined : [], { lang, today: TODAY }),
    reporting: (empty: boolean) =>
      reportingChart(empty ? null : { units: [], periods: [], cells: [] }, { lang }),
  });

  it('every builder, given nothing, draws a "no data" chart', () => {
    for (const lang of LANGS) {
      const word = lang === 'vi' ? 'Chưa có số liệu' : 'No data';
      for (const [name, build] of Object.entries(builders(lang))) {
        for (const empty of [true, false]) {
          const svg = render(build(empty));
          expect(countMarks(svg)['mark-no-data'], name).toBe(1);
          expect(svg, name).toContain(`>${word}</text>`);
        }
      }
    }
  });

  const period = fc.oneof(
    fc.constantFrom(...MONTHS),
    fc.constantFrom('2024-Q1', '2024-Q4', '2025-Q2', '2025', 'garbage', ''),
  );
  const seriesInput = fc.record({
    indicator_id: fc.constant('vneid_activation_rate'),
    points: fc.option(
      fc.array(
        fc.record({
          period,
          actual: fc.option(fc.double({ min: -10, max: 120, noNaN: true })),
          coverage: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
          reconstructed: fc.boolean(),
        }),
        { maxLength: 12 },
      ),
      { nil: undefined },
    ),
    targets: fc.option(
      fc.array(
        fc.record({
          target_id: fc.constantFrom('a', 'b'),
          value: fc.double({ min: 0, max: 100, noNaN: true }),
          comparator: fc.constantFrom('>=', '<='),
          deadline: fc.constantFrom('2024-12-31', '2025-12-31', 'not a date'),
          window_start: fc.option(fc.constantFrom('2024-01-01', '2025-01-01')),
          baseline: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
          plan_id: fc.constantFrom('qd-740-2022-kien-giang', 'kh-2024-ho-chi-minh'),
        }),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
    projection: fc.option(
      fc.array(
        fc.record({
          target_id: fc.constantFrom('a', 'b', 'c'),
          projected: fc.option(fc.double({ min: 0, max: 150, noNaN: true })),
          forecast_on: fc.option(fc.constantFrom('2025-06-30', '2025-11-02')),
          status: fc.option(fc.constantFrom(...STATUSES)),
        }),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
  });

  it('series never throws, and draws one dot per readable point', () => {
    fc.assert(
      fc.property(
        seriesInput,
        fc.constantFrom(...LANGS),
        fc.constantFrom('percent', 'count'),
        (data, lang, unit) => {
          const svg = render(seriesChart(data, { lang, unit: unit as 'percent' | 'count' }));
          const readable = (data.points ?? []).filter(
            (p) => p.actual !== null && periodDate(p.period),
          ).length;
          expect(countMarks(svg)['mark-actual'] ?? 0).toBe(readable);
          expect(svg).not.toContain('⚠');
        },
      ),
      {
        numRuns: 60,
        // found by CI (seed 761110490): counts ±5e-324 made d3's ticks throw
        examples: [
          [
            {
              indicator_id: 'vneid_activation_rate',
              points: [
                { period: '2024-Q1', actual: 5e-324, coverage: null, reconstructed: false },
                { period: '2024-01', actual: -5e-324, coverage: null, reconstructed: false },
              ],
              targets: undefined,
              projection: undefined,
            },
            'vi',
            'count',
          ],
        ],
      },
    );
  });

  it('ranking never throws, and draws one bar per unit with an actual, in either unit', () => {
    fc.assert(
      fc.property(
        fc.array(rankingRow, { maxLength: 12 }),
        fc.constantFrom('percent', 'count'),
        (rows, unit) => {
          const svg = render(rankingChart(rows, { lang: 'en', unit: unit as 'percent' | 'count' }));
          const bars = rows.filter((r) => r.actual !== null).length;
          expect(countMarks(svg)['mark-bar'] ?? 0).toBe(bars);
          expect(svg).not.toContain('⚠');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a count axis survives values no tick can tell apart', () => {
    const tiny = [5e-324, -5e-324, Number.MIN_VALUE, 1e-17];
    for (const v of tiny) {
      const scale = countScale([v, -v, null, Number.NaN]);
      expect(scale.domain, String(v)).toBeDefined();
      const rows = [
        { unit_id: 'a', code: '01', name: 'Thành phố Hà Nội', actual: v },
        { unit_id: 'b', code: '79', name: 'Thành phố Hồ Chí Minh', actual: -v },
      ].map((r) => ({ ...r, coverage: 1, status: 'on_track', ratio: null, target_value: null }));
      const svg = render(rankingChart(rows, { lang: 'vi', unit: 'count' }));
      expect(countMarks(svg)['mark-bar']).toBe(2);
    }
    // ordinary counts keep Plot's zero-based nice scale, so the goldens do not move
    expect(countScale([0, 12_500, 3])).toEqual({ zero: true, nice: true });
    expect(countScale([])).toEqual({ domain: [0, 1], nice: true });
  });
});
