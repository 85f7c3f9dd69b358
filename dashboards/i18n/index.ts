// Words and formats for the dashboards: Vietnamese first, English on a switch. Pages ask for a
// key; a key missing from either language is a type error, not a blank on screen.
import { vi } from './vi.ts';
import { en } from './en.ts';
import {
  STATUS_LABELS,
  displayState,
  type DisplayId,
  type DisplayState,
} from '../../indicators/i18n/status.ts';

export type Lang = 'vi' | 'en';
export type Key = keyof typeof vi;
export const LANGS: readonly Lang[] = ['vi', 'en'];

const WORDS: Record<Lang, Record<Key, string>> = { vi, en };
const LOCALE: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

export interface Words {
  lang: Lang;
  t(key: Key, values?: Record<string, string | number>): string;
  /** a count or amount: 1.234.567 (vi) / 1,234,567 (en) */
  int(n: number | null | undefined): string;
  /** a percent figure already in percent: 85,5% / 85.5% */
  pct(n: number | null | undefined, digits?: number): string;
  num(n: number | null | undefined, digits?: number): string;
  /** a change with its sign (+1,2 / −0,4), 0 when it rounds to nothing */
  signed(n: number | null | undefined, digits?: number): string;
  /** a date (YYYY-MM-DD or ISO timestamp): 25/01/2026 / 25 Jan 2026 */
  date(text: string | null | undefined): string;
  dateTime(text: string | null | undefined): string;
  status(id: string | null | undefined): { word: string; icon: string; id: string };
  /** a display state of indicators/i18n/status.ts; `date` is a not-started window's opening */
  state(id: DisplayId, date?: string | null): DisplayState;
  period(p: string): string;
}

const made = new Map<Lang, Words>();

/** The words and formats of `lang`: made once (Intl's formatters cost ~0.3 ms each to build). */
export function words(lang: Lang): Words {
  let w = made.get(lang);
  if (!w) {
    w = makeWords(lang);
    made.set(lang, w);
  }
  return w;
}

function makeWords(lang: Lang): Words {
  const dict = WORDS[lang];
  const locale = LOCALE[lang];
  const nf = new Map<number, Intl.NumberFormat>();
  const fmt = (digits: number) => {
    let f = nf.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      nf.set(digits, f);
    }
    return f;
  };
  const dateFormat = new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: lang === 'vi' ? '2-digit' : 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: lang === 'vi' ? '2-digit' : 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  });
  const dash = '—';
  return {
    lang,
    t(key, values) {
      let text = dict[key];
      for (const [name, value] of Object.entries(values ?? {})) {
        text = text.replaceAll(`{${name}}`, String(value));
      }
      return text;
    },
    int: (n) => (n === null || n === undefined ? dash : fmt(0).format(n)),
    num: (n, digits = 1) => (n === null || n === undefined ? dash : fmt(digits).format(n)),
    signed(n, digits = 1) {
      if (n === null || n === undefined) return dash;
      const rounded = Number(n.toFixed(digits));
      if (rounded === 0) return fmt(digits).format(0);
      return `${rounded > 0 ? '+' : '−'}${fmt(digits).format(Math.abs(rounded))}`;
    },
    pct: (n, digits = 1) => (n === null || n === undefined ? dash : `${fmt(digits).format(n)}%`),
    date: (text) => (text ? dateFormat.format(new Date(`${text.slice(0, 10)}T00:00:00Z`)) : dash),
    dateTime: (text) =>
      text
        ? dateTimeFormat.format(new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`))
        : dash,
    status(id) {
      const label = (id && STATUS_LABELS[id]) || STATUS_LABELS.no_data;
      return { word: label[lang], icon: label.icon, id: id && STATUS_LABELS[id] ? id : 'no_data' };
    },
    state(id, date) {
      return displayState(
        id,
        lang,
        date ? dateFormat.format(new Date(`${date.slice(0, 10)}T00:00:00Z`)) : '',
      );
    },
    period(p) {
      let m = /^(\d{4})-Q([1-4])$/.exec(p);
      if (m)
        return lang === 'vi'
          ? `Quý ${['I', 'II', 'III', 'IV'][+m[2] - 1]}/${m[1]}`
          : `Q${m[2]} ${m[1]}`;
      m = /^(\d{4})-(\d{2})$/.exec(p);
      if (m) return lang === 'vi' ? `Tháng ${+m[2]}/${m[1]}` : `${m[2]}/${m[1]}`;
      m = /^(\d{4})$/.exec(p);
      if (m) return lang === 'vi' ? `Năm ${m[1]}` : m[1];
      return p;
    },
  };
}

export function readLang(text: unknown): Lang {
  return text === 'en' ? 'en' : 'vi';
}
