// The provinces' tile map: the two layouts against the provinces of data/units/provinces-2025.csv
// (every province once, one square each, north at the top), the model's colours and words (no
// verdict without a figure), golden specs of the map and of the pack's small trend chart, and the
// svg: one tile shape per province of the date's map.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { projectFile } from '../../pipelines/db/connect.ts';
import {
  inkOn,
  tilemapChart,
  tilemapModel,
  trendChart,
  type TileValue,
} from '../../dashboards/charts/index.ts';
import { readTileGrid, tileGridOn } from '../../dashboards/render/map.ts';
import { countMarks, renderPlot } from '../../dashboards/render/plot.ts';
import { golden } from '../golden/golden.ts';
import { spec } from '../golden/spec.ts';

const provinces = readFileSync(projectFile('data/units/provinces-2025.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const OLD = new Map(provinces.map((p) => [p[0], p[1]]));
const NEW = new Map(provinces.map((p) => [p[2], p[3]]));

describe('tile grid layouts', () => {
  for (const [file, expected] of [
    ['data/units/tile-grid-63.csv', OLD],
    ['data/units/tile-grid-34.csv', NEW],
  ] as const) {
    it(`${file}: every province once, by its code and name, one square each`, () => {
      const grid = readTileGrid(file);
      expect(grid).toHaveLength(expected.size);
      expect(new Set(grid.map((t) => t.code))).toEqual(new Set(expected.keys()));
      for (const t of grid) expect(t.name).toBe(expected.get(t.code));
      expect(new Set(grid.map((t) => `${t.col},${t.row}`)).size).toBe(grid.length);
      expect(new Set(grid.map((t) => t.short)).size).toBe(grid.length);
      for (const t of grid) {
        expect(Number.isInteger(t.col) && t.col >= 0).toBe(true);
        expect(Number.isInteger(t.row) && t.row >= 0).toBe(true);
        expect(t.short.length).toBeLessThanOrEqual(9);
      }
    });
  }

  it('north at the top: Hà Giang or Cao Bằng on the first row, Cà Mau on the last', () => {
    for (const grid of [tileGridOn('2024-12-31'), tileGridOn('2025-12-31')]) {
      const last = Math.max(...grid.map((t) => t.row));
      expect(grid.find((t) => t.code === '04')?.row).toBe(0);
      expect(grid.find((t) => t.code === '96')?.row).toBe(last);
      // Hà Nội north of Huế, Huế north of Hồ Chí Minh
      const row = (code: string) => grid.find((t) => t.code === code)?.row ?? -1;
      expect(row('01')).toBeLessThan(row('46'));
      expect(row('46')).toBeLessThan(row('79'));
    }
  });

  it('the date picks the map: 63 provinces to 30/6/2025, 34 from 1/7/2025', () => {
    expect(tileGridOn('2025-06-30')).toHaveLength(63);
    expect(tileGridOn('2025-07-01')).toHaveLength(34);
  });
});

const grid34 = tileGridOn('2025-12-31');
const VALUES: TileValue[] = grid34.map((t, i) => ({
  code: t.code,
  name: t.name,
  actual: i % 7 === 3 ? null : 70 + i * 0.7,
  status: i % 5 === 0 ? null : ['achieved', 'on_track', 'at_risk', 'off_track'][i % 4],
  coverage: i % 6 === 1 ? 0.5 : 1,
}));

describe('tile map model', () => {
  const model = tilemapModel(grid34, VALUES, { lang: 'vi', unit: 'percent' });

  it('a province without a figure shows no verdict, whatever its target says', () => {
    for (const t of model.tiles.filter((x) => x.actual === null)) {
      expect(t.state).toBe('no_figure');
      expect(t.figure).toBe('—');
    }
  });

  it('a province with a figure and no target reads "no target", not "no data"', () => {
    const t = model.tiles.find((x) => x.code === grid34[5].code);
    expect(VALUES[5].status).toBeNull();
    expect(t?.state).toBe('no_target');
  });

  it('the legend counts every tile once, and the title says name, figure and state', () => {
    expect(model.legend.reduce((n, e) => n + e.count, 0)).toBe(grid34.length);
    const t = model.tiles.find((x) => x.code === grid34[1].code);
    expect(t?.title).toContain(grid34[1].name);
    expect(t?.title).toContain('Đúng tiến độ');
    expect(t?.title).toContain('độ phủ 50%');
  });

  it('with no target anywhere, tiles are coloured by value in five classes', () => {
    const bare = VALUES.map((v) => ({ ...v, status: null }));
    const m = tilemapModel(grid34, bare, { lang: 'en', unit: 'percent' });
    expect(m.mode).toBe('value');
    expect(m.legend.filter((e) => e.state.startsWith('class-')).length).toBe(5);
  });

  it('the ink on each tile contrasts with its fill', () => {
    expect(inkOn('#000000')).toBe('#FFFFFF');
    expect(inkOn('#FFFFFF')).toBe('#000000');
    expect(inkOn('#0072B2')).toBe('#FFFFFF');
    expect(inkOn('#E69F00')).toBe('#000000');
  });
});

describe('tile map and trend specs (golden)', () => {
  it('tile map, 34 provinces, vi', () => {
    const options = tilemapChart(grid34, VALUES, { lang: 'vi', unit: 'percent', selected: '91' });
    const { expected, actual } = golden('charts/tilemap-34', spec(options));
    expect(actual).toEqual(expected);
  });

  it('trend, 8 quarters with a target, en', () => {
    const points = [
      '2024-Q1',
      '2024-Q2',
      '2024-Q3',
      '2024-Q4',
      '2025-Q1',
      '2025-Q2',
      '2025-Q3',
      '2025-Q4',
    ].map((period, i) => ({ period, actual: i === 2 ? null : 61 + i * 3.2 }));
    const options = trendChart(points, {
      lang: 'en',
      unit: 'percent',
      title: 'ID card coverage',
      target: 90,
    });
    const { expected, actual } = golden('charts/trend-en', spec(options));
    expect(actual).toEqual(expected);
  });
});

describe('tile map svg', () => {
  for (const [date, n] of [
    ['2024-12-31', 63],
    ['2025-12-31', 34],
  ] as const) {
    it(`${date}: one tile shape per province (${n}), each with its title`, () => {
      const grid = tileGridOn(date);
      const svg = renderPlot(tilemapChart(grid, [], { lang: 'vi', unit: 'percent' }), {
        title: 'Bản đồ',
        description: 'Mô tả',
      });
      expect(countMarks(svg)['mark-tile']).toBe(n);
      expect(countMarks(svg)['mark-tile-name']).toBe(n);
      expect(svg.match(/<rect[^>]*><title>/g)?.length).toBe(n);
      // the svg scales with its container
      expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
      expect(svg).toContain('width:100%');
    });
  }
});
