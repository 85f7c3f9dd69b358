// HTML by tagged template: every interpolated value is escaped unless it is already Html (made by
// `html` itself or `raw`), so a unit name or a plan's text can never inject markup.
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false || part === true) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (part instanceof Html) return part.text;
  return escape(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0];
  for (let i = 0; i < parts.length; i++) out += render(parts[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup we made ourselves (an SVG from Plot, a stylesheet); never user text. */
export const raw = (text: string): Html => new Html(text);

/** A query string from parameters, skipping empty ones. */
export function query(params: Record<string, string | null | undefined>): string {
  const entries = Object.entries(params).filter(
    (e): e is [string, string] => e[1] !== null && e[1] !== undefined && e[1] !== '',
  );
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}
