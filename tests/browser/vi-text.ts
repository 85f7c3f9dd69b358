// What counts as "not Vietnamese" in a vi-mode page's visible text (issue 15.2), shared by the
// browser test and the render tests. A heuristic, documented here because a test built on it can
// only be as strict as its word list:
//  - English prose: ASCII-only words from a list of common English words and of the words this
//    project's own English texts use (status, target, percent …). Vietnamese words that are also
//    plain ASCII and collide with English ("in", "do", "to", "an", "no", "con", "ban") are left
//    out of the list, so a Vietnamese sentence cannot trip it;
//  - raw ids: snake_case tokens (indicator, metric and rule ids: `cccd_coverage`, `outlier_high`)
//    and plan ids (`qd-740-2022-kien-giang`, `kh-…`);
//  - file paths and commands: `../`, `.yaml`, `.ts`, `.csv` file names, `npx`, `chitieu <cmd>`.
// Text inside <code>, <kbd>, <samp>, <pre>, <script>, <style> and any element marked with a
// `lang` other than vi (the language switch says "English" in English on purpose) is exempt.

export const ENGLISH_WORDS = new Set(
  (
    'the is are was were be been of and with from for this that these those by on at as or not ' +
    'above below between than should has have had which when where only each every all none ' +
    'total share see per days row rows column source document clause counted without after ' +
    'before since until read into over under more less than its their there here what who ' +
    'data status target targets percent encoded printed body note notes file files page error ' +
    'errors found unknown invalid missing value values unit units period periods quarter month ' +
    'year district province commune task tasks overdue done cancelled planned progress achieved ' +
    'track risk missed report reports reporting plan plans indicator indicators outlier rule ' +
    'rules measured declared actual expected projected baseline deadline scope level national ' +
    'coverage trend change changes none yes items item list show shows shown filter lead ' +
    'procedure procedures quality findings finding warning warnings late pending received ' +
    'submitted upload template sign login logout password user help back home next previous'
  ).split(/\s+/),
);

export interface Offence {
  kind: 'english' | 'id' | 'path';
  text: string;
  context: string;
}

const ID = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g;
const PLAN_ID = /\b(?:kh|qd)-[a-z0-9]+(?:-[a-z0-9]+){2,}\b/g;
const PATH =
  /(?:\.\.\/|\/shared\/|\b[\w-]+\.(?:ya?ml|ts|js|csv|json|duckdb)\b|\bnpx\b|\bchitieu [a-z]+)/g;
const WORD = /[A-Za-zÀ-ỹĐđ]+/g;
// ASCII letters only: a word with a Vietnamese letter is Vietnamese
const ASCII = /^[A-Za-z]+$/;

/** Every English word, raw id and path in a text; `context` is the text around it. */
export function offences(text: string): Offence[] {
  const out: Offence[] = [];
  const around = (i: number) => text.slice(Math.max(0, i - 40), i + 40).replace(/\s+/g, ' ');
  for (const m of text.matchAll(ID)) out.push({ kind: 'id', text: m[0], context: around(m.index) });
  for (const m of text.matchAll(PLAN_ID))
    out.push({ kind: 'id', text: m[0], context: around(m.index) });
  for (const m of text.matchAll(PATH))
    out.push({ kind: 'path', text: m[0], context: around(m.index) });
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    if (ASCII.test(word) && ENGLISH_WORDS.has(word.toLowerCase()))
      out.push({ kind: 'english', text: word, context: around(m.index) });
  }
  return out;
}

/**
 * The page's visible text outside exempt elements, as the browser evaluates it (a string, so no
 * bundler helper leaks into the page). Hidden elements (display:none) are skipped; text for
 * screen readers only (.visually-hidden) is read, since someone hears it.
 */
export const VISIBLE_TEXT = `(() => {
  const EXEMPT = new Set(['CODE', 'KBD', 'SAMP', 'PRE', 'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);
  const out = [];
  const walk = (n) => {
    if (n.nodeType === 3) { out.push(n.textContent || ''); return; }
    if (n.nodeType !== 1) return;
    if (EXEMPT.has(n.tagName.toUpperCase())) return;
    const lang = n.getAttribute('lang');
    if (lang && lang !== 'vi') return;
    if (n.tagName.toUpperCase() !== 'BODY' && getComputedStyle(n).display === 'none') return;
    for (const c of n.childNodes) walk(c);
    out.push(' ');
  };
  walk(document.body);
  return out.join('').replace(/\\s+/g, ' ');
})()`;
