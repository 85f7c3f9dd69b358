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
  // §5.1: every recorded change of a task's or a procedure's status
  task_status_history: [
    'plan_id',
    'seq',
    'number',
    'status',
    'as_of',
    'note',
    'recorded_by',
    'recorded_at',
  ],
  procedure_status_history: [
    'plan_id',
    'seq',
    'number',
    'status',
    'as_of',
    'note',
    'recorded_by',
    'recorded_at',
  ],
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

  it('§5.1: targets gains measure_kind and adopted_from; the agencies are views', async () => {
    const columns = async (view: string) =>
      (
        await db.all<{ column_name: string }>(
          `select column_name from information_schema.columns
           where table_schema = 'main' and table_name = $view order by ordinal_position`,
          { view },
        )
      ).map((r) => r.column_name);
    expect(await columns('targets')).toEqual(
      expect.arrayContaining(['measure_kind', 'adopted_from', 'source_urls', 'confidence']),
    );
    expect(await columns('plans')).toContain('source_kind');
    expect(await columns('tasks')).toContain('status_as_of');
    expect(await columns('procedures')).toContain('status_as_of');
    expect(await columns('metrics')).toContain('declared_in');
    expect(await columns('agencies')).toEqual([
      'agency_id',
      'name_vi',
      'name_en',
      'level',
      'kind',
      'aliases',
    ]);
    expect(await columns('task_agencies')).toEqual(
      expect.arrayContaining(['plan_id', 'seq', 'role', 'name', 'agency_id']),
    );
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
