// `chitieu report --unit U --quarter Q --pdf FILE`: the quarterly pack as an A4 PDF (or --html),
// rendered from the database by the same code as the /pack page and printed by Debian's Chromium.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { findUnit, LookupError, readPeriod } from '../../pipelines/normalize/lookup.ts';
import { today } from '../../pipelines/normalize/calendar.ts';
import { HttpError } from '../../api/errors.ts';
import { loadPack } from '../../dashboards/pages/pack.ts';
import { packDocument } from '../../dashboards/plugin.ts';
import { htmlToPdf } from '../../dashboards/browser.ts';
import { words, type Lang } from '../../dashboards/i18n/index.ts';
import { usageError, inputError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.report;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      unit: { type: 'string' },
      quarter: { type: 'string' },
      pdf: { type: 'string' },
      html: { type: 'string' },
      lang: { type: 'string', default: 'vi' },
      current: { type: 'boolean', default: false },
    },
  });
  if (!values.unit || !values.quarter) throw usageError('report needs --unit and --quarter');
  if (!values.pdf === !values.html)
    throw usageError('report needs one of --pdf FILE or --html FILE');
  if (values.lang !== 'vi' && values.lang !== 'en')
    throw usageError(`invalid --lang: ${values.lang}`);
  const lang: Lang = values.lang;
  const db = await Database.open(databasePath(io.env), { readOnly: true });
  let document: ReturnType<typeof packDocument>;
  try {
    const units = new UnitIndex(await allUnits(db));
    const quarter = readPeriod(values.quarter, '--quarter');
    const unit = findUnit(units, values.unit, periodEnd(quarter));
    const meta = Object.fromEntries(
      (await db.all<{ key: string; value: string }>('select key, value from core.meta')).map(
        (r) => [r.key, r.value],
      ),
    );
    const page = await loadPack(db, units, unit, quarter, values.current);
    document = packDocument(
      {
        lang,
        w: words(lang),
        path: '/pack',
        query: {},
        meta: {
          version: '',
          data_as_of: meta.data_as_of || null,
          computed_at: meta.computed_at || null,
          synthetic: meta.demo_data === 'synthetic',
        },
        today: today({ env: io.env }),
      },
      page,
    );
  } catch (error) {
    if (error instanceof LookupError || error instanceof HttpError) throw usageError(error.message);
    throw error;
  } finally {
    db.close();
  }
  if (values.html) {
    writeFileSync(values.html, document.html);
    io.out(`wrote ${values.html}`);
    return 0;
  }
  try {
    const pdf = await htmlToPdf(document.html, io.env);
    writeFileSync(values.pdf as string, pdf);
    io.out(`wrote ${values.pdf} (${Math.round(pdf.length / 1024)} KiB)`);
    return 0;
  } catch (error) {
    throw inputError(String((error as Error).message));
  }
}
