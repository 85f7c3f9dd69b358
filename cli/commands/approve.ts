// `chitieu approve --unit U --period P [--note TEXT]`: approves a period for a unit and the units
// under it, as POST /api/approvals does for an admin (whoever runs the CLI holds the database).
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { findUnit, readPeriod } from '../../pipelines/normalize/lookup.ts';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { approve } from '../../indicators/approvals.ts';
import { lookup, usageError } from '../errors.ts';
import { COMMAND_HELP } from '../help.ts';
import type { Io } from '../io.ts';

export const help = COMMAND_HELP.approve;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      unit: { type: 'string' },
      period: { type: 'string' },
      note: { type: 'string' },
    },
  });
  if (!values.unit || !values.period) {
    throw usageError(`approve needs --unit and --period\n\n${help}`);
  }
  const db = await Database.open(databasePath(io.env));
  try {
    const index = new UnitIndex(await allUnits(db));
    const period = lookup(() => readPeriod(values.period as string));
    const unit = lookup(() => findUnit(index, values.unit as string, periodEnd(period)));
    const { approval, created } = await approve(
      db,
      unit,
      period,
      `cli:${userInfo().username}`,
      values.note ?? null,
    );
    io.err(
      created
        ? `đã phê duyệt ${unit.name} (${unit.code}) kỳ ${approval.period} / approved`
        : `đã được phê duyệt trước đó bởi ${approval.approved_by} lúc ${approval.approved_at} / already approved`,
    );
    io.out(approval.approval_id);
    return 0;
  } finally {
    db.close();
  }
}
