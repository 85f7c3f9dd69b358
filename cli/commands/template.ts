// `chitieu template --unit U --period P [--format xlsx|csv] [--out FILE]`: the template (biểu mẫu)
// of one unit and one period, as GET /api/template serves it (indicators/template.ts).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { findUnit, readPeriod } from '../../pipelines/normalize/lookup.ts';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import {
  buildTemplate,
  templateCsv,
  templateFileName,
  templateXlsx,
} from '../../indicators/template.ts';
import { lookup, usageError } from '../errors.ts';
import { COMMAND_HELP } from '../help.ts';
import type { Io } from '../io.ts';

export const help = COMMAND_HELP.template;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      unit: { type: 'string' },
      period: { type: 'string' },
      format: { type: 'string', default: 'xlsx' },
      out: { type: 'string' },
    },
  });
  if (!values.unit || !values.period) {
    throw usageError(`template needs --unit and --period\n\n${help}`);
  }
  const format = values.format;
  if (format !== 'xlsx' && format !== 'csv') {
    throw usageError(`--format must be xlsx or csv, not ${format}`);
  }
  const period = lookup(() => readPeriod(values.period as string));
  const db = await Database.open(databasePath(io.env), { readOnly: true });
  try {
    const index = new UnitIndex(await allUnits(db));
    const unit = lookup(() => findUnit(index, values.unit as string, periodEnd(period)));
    const template = await buildTemplate(db, index, unit, period);
    const out = values.out ?? templateFileName(template, format);
    writeFileSync(out, format === 'csv' ? templateCsv(template) : await templateXlsx(template));
    io.err(
      `biểu mẫu ${unit.name} (${unit.code}) kỳ ${template.period}: ${template.units.length} đơn vị, ` +
        `${template.metrics.length} chỉ tiêu${template.fromTargets ? '' : ' (mọi chỉ tiêu: chưa có chỉ tiêu giao)'}` +
        ` / template for ${template.units.length} unit(s), ${template.metrics.length} metric(s)`,
    );
    io.out(out);
    return 0;
  } finally {
    db.close();
  }
}
