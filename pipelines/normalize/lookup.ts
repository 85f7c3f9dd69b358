// What people type for a unit or a period, resolved once at an edge (an HTTP query, a command's
// arguments, a page's form) into a Unit or a Period; inner code takes those and never re-reads
// text. A failure is a LookupError with a code the edges turn into 400/404 or exit 2.
import { parsePeriod, type Grain, type Period } from './periods.ts';
import type { Unit, UnitIndex } from './units.ts';

export class LookupError extends Error {
  constructor(
    readonly code: 'UNKNOWN_UNIT' | 'AMBIGUOUS_UNIT' | 'INVALID_PERIOD',
    message: string,
  ) {
    super(message);
    this.name = 'LookupError';
  }
}

/** A period figures are kept for: a month, a quarter or a year (a day is a dated snapshot). */
export type FigurePeriod = Period & { grain: Exclude<Grain, 'day'> };

/**
 * A period as given ("2024-Q3", "Quý III/2024", "2024-07", "2024"): a month, quarter or year.
 * `name` is the parameter's, for the message (`invalid to: 2024-13 …`).
 */
export function readPeriod(text: string, name = 'period'): FigurePeriod {
  const p = parsePeriod(text);
  if (p === null || p.grain === 'day') {
    throw new LookupError('INVALID_PERIOD', `invalid ${name}: ${text} (a month, quarter or year)`);
  }
  return p as FigurePeriod;
}

/** readPeriod that also takes a day ("2024-07-19", "19/07/2024"): bounds of a date range. */
export function readPeriodOrDay(text: string, name = 'period'): Period {
  const p = parsePeriod(text);
  if (p === null) {
    throw new LookupError(
      'INVALID_PERIOD',
      `invalid ${name}: ${text} (a year, quarter, month or day: 2024, 2024-Q3, 2024-07)`,
    );
  }
  return p;
}

/** Candidates a message lists before "…". */
const LISTED = 6;

/**
 * A unit by id ("p91@2025-07-01"), by GSO code read at `date`, "VN", or by its name at `date`
 * ("An Giang", "Tỉnh An Giang", "Xã Mỹ An" when only one unit is so named then: a name several
 * units share is refused with them listed, never settled by picking one).
 */
export function findUnit(index: UnitIndex, text: string, date: string | null): Unit {
  const byId = index.get(text);
  if (byId) return byId;
  const found = index.byCodeAt(text, date);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new LookupError(
      'AMBIGUOUS_UNIT',
      `code ${text} names ${found.length} units on ${date}: ${found.map((u) => u.unit_id).join(', ')}`,
    );
  }
  if (/\p{L}/u.test(text) && !text.includes('@')) {
    const named = index.resolve({ name: text, date });
    if (named.ok) return named.unit;
    if (named.reason === 'ambiguous') {
      const shown = named.candidates
        .slice(0, LISTED)
        .map((u) => `${u.full_name} (${u.unit_id})`)
        .join(', ');
      const more = named.candidates.length > LISTED ? ', …' : '';
      throw new LookupError(
        'AMBIGUOUS_UNIT',
        `"${text}" names ${named.candidates.length} units${date ? ` on ${date}` : ''}: ${shown}${more}; give its code or id`,
      );
    }
    throw new LookupError(
      'UNKNOWN_UNIT',
      `no unit has code, id or name ${text}${date ? ` on ${date}` : ''}`,
    );
  }
  const then = index
    .byCodeAt(text, null)
    .map((u) => `${u.unit_id} (${u.valid_from ?? '…'} – ${u.valid_to ?? 'now'})`);
  throw new LookupError(
    'UNKNOWN_UNIT',
    `no unit has code or id ${text}${date ? ` on ${date}` : ''}${then.length ? `; it named ${then.join(', ')}` : ''}`,
  );
}
