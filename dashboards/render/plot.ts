// Observable Plot on the server: a chart's options in, accessible and deterministic markup out.
// linkedom stands in for the browser's DOM; Plot's global id counters (clip paths, markers) are
// replaced by ids derived from the chart itself, so the same chart renders to the same string in
// any process and two different charts on one page never share an id.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

export interface A11y {
  /** the accessible name: what the chart is */
  title: string;
  /** what it shows, in a sentence or two; pages also render the data as a table */
  description: string;
}

const EMPTY_PAGE = '<!doctype html><html><head></head><body></body></html>';

/**
 * The chart as markup: the <svg>, or the <figure> holding the legends and the <svg> when the
 * chart has a legend. The <svg> carries role="img", aria-label, <title> and <desc>.
 */
export function renderPlot(options: Plot.PlotOptions, a11y: A11y): string {
  const { document } = parseHTML(EMPTY_PAGE);
  const chart = Plot.plot({
    ...options,
    ariaLabel: a11y.title,
    ariaDescription: a11y.description,
    document: document as unknown as Document,
  });
  // the chart's own svg: a figure's last svg child (legend swatches are svgs nested in divs)
  const svg =
    chart.tagName.toLowerCase() === 'svg'
      ? chart
      : [...chart.children].reverse().find((e) => e.tagName.toLowerCase() === 'svg');
  if (svg) {
    fitToContainer(svg);
    svg.setAttribute('role', 'img');
    const title = document.createElement('title');
    title.textContent = a11y.title;
    const desc = document.createElement('desc');
    desc.textContent = a11y.description;
    svg.insertBefore(desc, svg.firstChild);
    svg.insertBefore(title, desc);
  }
  // a legend reads at the chart's text size (Plot's swatches are 10 px)
  for (const legend of chart.querySelectorAll('div[class$="-swatches"], div[class*="-swatches "]'))
    legend.setAttribute('style', 'font-size:14px');
  return reindexIds(chart.outerHTML);
}

/** Charts narrower than this keep their size: sparklines sit in table cells. */
const FIT_FROM = 300;

/**
 * A chart scales with its container (issue 15.6): the svg keeps Plot's viewBox and fills the
 * width, up to 1.4 × its drawn width, its height following. Builders draw at about the main
 * column's width with 14 px text, so the text stays at 14 px or more on a 1280 × 720 screen.
 */
function fitToContainer(svg: Element): void {
  const width = Number(svg.getAttribute('width'));
  if (!Number.isFinite(width) || width < FIT_FROM) return;
  const own = svg.getAttribute('style');
  svg.setAttribute(
    'style',
    `${own ? `${own.replace(/;\s*$/, '')};` : ''}width:100%;max-width:${Math.round(width * 1.4)}px;height:auto`,
  );
}

// Rendered charts by what they were drawn from. Drawing is a pure function of a builder's input
// (the same points, words and sizes give the same markup, ids included), and Plot on linkedom
// costs 2–4 ms a chart: a page of 15 sparklines spent most of its time there (issue 15.7).
const DRAWN = new Map<string, string>();
const DRAWN_MAX = 1000;

/**
 * renderPlot(build(), a11y), kept under `input`: a key that names everything the chart is drawn
 * from (the builder's data and options, the language), so equal keys are equal charts.
 */
export function renderPlotCached(
  input: unknown,
  build: () => Plot.PlotOptions,
  a11y: A11y | ((options: Plot.PlotOptions) => A11y),
): string {
  const key = JSON.stringify([input, typeof a11y === 'function' ? null : a11y]);
  const found = DRAWN.get(key);
  if (found !== undefined) return found;
  const options = build();
  const markup = renderPlot(options, typeof a11y === 'function' ? a11y(options) : a11y);
  DRAWN.set(key, markup);
  if (DRAWN.size > DRAWN_MAX) DRAWN.delete(DRAWN.keys().next().value as string);
  return markup;
}

const PLOT_ID = /\bid="(plot-(clip|marker)-\d+)"/g;

/** Plot's counter ids (plot-clip-7) → c<hash>-clip-1, numbered in document order. */
export function reindexIds(markup: string): string {
  const found = [...markup.matchAll(PLOT_ID)].map((m) => ({ id: m[1], kind: m[2] }));
  if (found.length === 0) return markup;
  const ids = new Set(found.map((f) => f.id));
  const stripped = markup.replace(/plot-(?:clip|marker)-\d+/g, (id) => (ids.has(id) ? '#' : id));
  const prefix = `c${fnv1a(stripped)}`;
  const next = new Map<string, string>();
  const counts: Record<string, number> = {};
  for (const { id, kind } of found) {
    if (!next.has(id))
      next.set(id, `${prefix}-${kind}-${(counts[kind] = (counts[kind] ?? 0) + 1)}`);
  }
  return markup.replace(/plot-(?:clip|marker)-\d+/g, (id) => next.get(id) ?? id);
}

/** 32-bit FNV-1a as 8 hex digits: a short stable fingerprint, not a security hash. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const SHAPES = new Set(['circle', 'rect', 'line', 'path', 'text', 'image', 'polygon', 'ellipse']);

/**
 * How many shapes each mark drew, keyed by the mark's class when a builder gave it one
 * ("mark-actual"), else by Plot's aria-label ("dot", "y-axis tick"); marks sharing a key add up.
 */
export function countMarks(markup: string): Record<string, number> {
  const { document } = parseHTML(`<!doctype html><html><body>${markup}</body></html>`);
  const counts: Record<string, number> = {};
  for (const svg of document.querySelectorAll('svg[role="img"], svg.plot-d6a7b5')) {
    for (const group of svg.children) {
      if (group.tagName.toLowerCase() !== 'g') continue;
      // a clipped mark is wrapped in a group of its own that carries the aria-label
      const only = group.children.length === 1 ? group.children[0] : null;
      const label =
        group.getAttribute('class') ||
        (only?.tagName.toLowerCase() === 'g' ? only.getAttribute('class') : null) ||
        group.getAttribute('aria-label');
      if (!label) continue;
      const shapes = [...group.querySelectorAll('*')].filter((e) =>
        SHAPES.has(e.tagName.toLowerCase()),
      ).length;
      counts[label] = (counts[label] ?? 0) + shapes;
    }
  }
  return counts;
}
