import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../pipelines/db/migrate.ts';
import type { Database } from '../../pipelines/db/connect.ts';
import { openTempDb } from '../helpers.ts';

// The analyst contract of DESIGN.md §5: these views and (at least) these columns, in this order.
const CONTRACT: Record<string, string[]> = {
  units: ['unit_id', 'code', 'name', 'full_name', 'level', 'parent_id', 'valid_from', 'valid_to'],
  unit_succession: ['from_unit_id', 'to_unit_id', 'effective_on', 'kind'],
  observations: ['unit_id', 'unit_code', 'period', 'metric', 'value', 'batch_id', 'loaded_at'],
  plans: [
    'plan_id',
    'unit_code',
    'document_no',
    'title',
    'issued_on',
    'parent_plan_id',
    'report_due_day',
  ],
  targets: [
    'target_id',
    'plan_id',
    'indicator_id',
    'unit_code',
    'level',
    'comparator',
    'value',
    'window_start',
    'deadline',
    'clause',
  ],
  tasks: [
    'plan_id',
    'number',
    'group_name',
    'title',
    'lead',
    'partners',
    'deadline_text',
    'due_on',
    'status',
  ],
  procedures: ['plan_id', 'number', 'name', 'online_level', 'lead', 'due_on', 'status'],
  progress: [
    'indicator_id',
    'unit_id',
    'unit_code',
    'period',
    'actual',
    'numerator',
    'denominator',
    'coverage',
    'target_id',
    'target_value',
    'deadline',
    'baseline',
    'expected',
    'projected',
    'ratio',
    'status',
  ],
  reporting: ['unit_id', 'unit_code', 'period', 'due_on', 'received_at', 'status'],
  metrics: ['metric_id'],
  indicators: ['indicator_id'],
  observation_history: ['unit_id', 'unit_code', 'period', 'metric', 'value'],
};

describe('migrations', () => {
  let db: Database;
  let cleanup: () => void;
  beforeAll(async () => ({ db, cleanup } = await openTempDb()));
  afterAll(() => cleanup());

  it('are numbered without gaps from 001', () => {
    expect(migrations().map((m) => m.version)).toEqual(migrations().map((_, i) => i + 1));
  });

  it('apply once, and a second run applies nothing and changes nothing', async () => {
    expect(await migrate(db)).toEqual(migrations().map((m) => m.version));
    const before = await db.all(
      'select table_schema, table_name, column_name, data_type from information_schema.columns order by all',
    );
    expect(await migrate(db)).toEqual([]);
    const after = await db.all(
      'select table_schema, table_name, column_name, data_type from information_schema.columns order by all',
    );
    expect(after).toEqual(before);
  });

  it.each(Object.entries(CONTRACT))(
    'view %s exists with the contract columns first',
    async (view, columns) => {
      const rows = await db.all<{ column_name: string; table_type: string }>(
        `select c.column_name, t.table_type from information_schema.columns c
       join information_schema.tables t using (table_schema, table_name)
       where c.table_schema = 'main' and c.table_name = $view order by c.ordinal_position`,
        { view },
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0].table_type).toBe('VIEW');
      expect(rows.slice(0, columns.length).map((r) => r.column_name)).toEqual(columns);
    },
  );
});
