// A chart's Plot options as plain, rounded JSON for golden files: functions by name, floats to
// three decimals, each mark by its type, channels, style and data.
import type * as Plot from '@observablehq/plot';

const round = (n: number) => (Number.isInteger(n) ? n : Math.round(n * 1000) / 1000);

function plain(value: unknown, depth = 0): unknown {
  if (depth > 8) return '…';
  if (typeof value === 'function') return `ƒ ${value.name || 'anonymous'}`;
  if (typeof value === 'number') return round(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v, depth + 1)]),
    );
  }
  return value;
}

const STYLE_KEYS = [
  'fill',
  'stroke',
  'strokeWidth',
  'strokeDasharray',
  'fillOpacity',
  'strokeOpacity',
  'r',
  'symbol',
  'dx',
  'dy',
  'textAnchor',
  'frameAnchor',
  'fontSize',
  'clip',
  'className',
] as const;

function describeMark(mark: Plot.Markish): unknown {
  const m = mark as unknown as Record<string, unknown> & {
    channels: Record<string, { value: unknown }>;
    data?: unknown;
  };
  const channels = Object.fromEntries(
    Object.entries(m.channels ?? {}).map(([k, c]) => [k, plain(c.value)]),
  );
  const style = Object.fromEntries(
    STYLE_KEYS.filter((k) => m[k] !== undefined && m[k] !== null).map((k) => [k, plain(m[k])]),
  );
  return { type: m.constructor.name, channels, style, data: plain(m.data) };
}

export function spec(options: Plot.PlotOptions): unknown {
  const { marks = [], ...rest } = options;
  return { ...(plain(rest) as object), marks: (marks as Plot.Markish[]).flat().map(describeMark) };
}

