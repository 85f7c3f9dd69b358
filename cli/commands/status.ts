// `chitieu status --unit U --period P [--json]`: the scorecard in the terminal.
import { parseArgs } from 'node:util';
import { Database, databasePath } from '../../pipelines/db/connect.ts';
import { scorecard, type Scorecard } from '../../indicators/scorecard.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { findUnit, readPeriod } from '../../pipelines/normalize/lookup.ts';
import { STATUS_LABELS } from '../../indicators/i18n/status.ts';
import { lookup, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.status;

const vi = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
const viInt = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });

export function renderScorecard(card: Scorecard, colour: boolean): string[] {
  const paint = (status: string, text: string) =>
    colour ? `${STATUS_LABELS[status]?.ansi ?? ''}${text}\u001b[0m` : text;
  const lines = [
    ...(card.synthetic ? ['DỮ LIỆU MÔ PHỎNG (synthetic demo data, not real reports)'] : []),
    `${card.unit.name} (${card.unit.unit_id}) — kỳ ${card.period}` +
      (card.data_as_of ? ` — số liệu đến ${card.data_as_of}` : ''),
    '',
  ];
  for (const r of card.rows) {
    const value =
      r.actual === null
        ? 'chưa có số liệu'
        : r.unit === 'percent'
          ? `${vi.format(r.actual)}% (${viInt.format(r.numerator ?? 0)}/${viInt.format(r.denominator ?? 0)})`
          : viInt.format(r.actual);
    const extra = [
      r.coverage !== null && r.coverage < 1 ? `độ phủ ${vi.format(r.coverage * 100)}%` : null,
      r.reconstructed ? 'dựng lại từ đơn vị cũ' : null,
    ].filter(Boolean);
    lines.push(`${r.name_vi}: ${value}${extra.length ? ` [${extra.join('; ')}]` : ''}`);
    for (const t of r.targets) {
      const label = STATUS_LABELS[t.status] ?? { vi: t.status, icon: '' };
      lines.push(
        `    ${paint(t.status, `${label.icon} ${label.vi}`)} — chỉ tiêu ${t.comparator} ${vi.format(t.value)}` +
          `${r.unit === 'percent' ? '%' : ''} hạn ${t.deadline} (${t.plan_id}, ${t.clause})`,
      );
    }
  }
  return lines;
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      unit: { type: 'string' },
      period: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.unit || !values.period)
    throw usageError(`status needs --unit and --period\n\n${help}`);
  const period = lookup(() => readPeriod(values.period as string));
  const db = await Database.open(databasePath(io.env), { readOnly: true });
  try {
    const index = new UnitIndex(await allUnits(db));
    const unit = lookup(() => findUnit(index, values.unit as string, periodEnd(period)));
    const card: Scorecard = await scorecard(db, unit, period);
    if (values.json) io.out(JSON.stringify(card, null, 2));
    else
      for (const line of renderScorecard(
        card,
        Boolean(process.stdout.isTTY) && io.env.NO_COLOR === undefined,
      ))
        io.out(line);
    return 0;
  } finally {
    db.close();
  }
}
