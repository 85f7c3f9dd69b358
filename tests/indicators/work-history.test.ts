// Recorded progress survives the plans being loaded again: `chitieu init` with unchanged files, a
// shipped plan stored afresh, and a new version whose task list changed (a task added before the
// others, one removed, then put back). Each change follows its task by number and title; one whose
// task is gone is kept detached and binds again when the task comes back.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Database, PROJECT_ROOT } from '../../pipelines/db/connect.ts';
import { initialise } from '../../cli/commands/init.ts';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { importPlans } from '../../indicators/plans/import.ts';
import {
  readHistory,
  recordChanges,
  workItems,
  type WorkItem,
} from '../../indicators/work/history.ts';
import { tempDir } from '../helpers.ts';

const KG = 'qd-740-2022-kien-giang';
const FILE = join(PROJECT_ROOT, 'indicators/plans/qd-740-2022-kien-giang.yaml');

let db: Database;
let cleanup: () => void;
beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  const path = join(t.dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), path);
  db = await Database.open(path);
});
afterAll(() => {
  db.close();
  cleanup();
});

const history = async () =>
  (await readHistory(db, 'task')).map(
    ({ entry_id, plan_id, seq, number, label, status, as_of }) => ({
      entry_id,
      plan_id,
      seq,
      number,
      label,
      status,
      as_of,
    }),
  );

/** The current status of every task, by plan and title (what a reader sees). */
const statuses = async () =>
  db.all<{ plan_id: string; title: string; status: string }>(
    'select plan_id, title, status from tasks order by plan_id, seq',
  );

const importText = (text: string) =>
  importPlans(db, [{ name: 'qd-740-2022-kien-giang.yaml', bytes: Buffer.from(text) }], {
    catalogue: loadCatalogue(),
    origin: 'cli',
    importedBy: 'test',
  });

describe('recorded progress across reloads of the plans', () => {
  let b: WorkItem;

  beforeAll(async () => {
    const items = await workItems(db, 'task', KG);
    b = items.find((i) => i.number === 'III.1.b')!;
    const c = items.find((i) => i.number === 'III.1.c')!;
    await recordChanges(
      db,
      'task',
      [
        { item: b, status: 'done', as_of: '2025-03-01', note: 'b', evidence_url: null },
        { item: c, status: 'in_progress', as_of: '2025-03-02', note: 'c', evidence_url: null },
      ],
      { source: 'cli', recorded_by: 'test' },
    );
  });

  it('keeps every change when init runs again, and when a shipped plan is stored afresh', async () => {
    const before = await history();
    const seen = await statuses();
    await initialise(db);
    expect(await history()).toEqual(before);
    // the stored file no longer matches the shipped one: init stores it again as a new version,
    // rewriting the plan's tasks
    await db.run("update core.plan_versions set sha256 = 'stale' where plan_id = $p", { p: KG });
    const init = await initialise(db);
    expect(init.plans.plans.find((p) => p.plan_id === KG)?.status).toBe('updated');
    expect(await history()).toEqual(before);
    expect(await statuses()).toEqual(seen);
  });

  it('follows each change to its task when the list is renumbered, detaches it when the task goes', async () => {
    const before = await history();
    const original = readFileSync(FILE, 'utf8');
    // a task added before every other one, and III.1.b removed
    const added = `tasks:
  - number: III.0
    group: Nhiệm vụ bổ sung
    title: Nhiệm vụ bổ sung để thử việc theo dõi tiến độ
    lead: [Công an tỉnh]
    partners: []
    deadline: Tháng 12/2025
    product: null
    clause: null
`;
    const removed = original.replace(/\n {2}- number: III\.1\.b\n[\s\S]*?(?=\n {2}- number: )/, '');
    expect(removed).not.toBe(original);
    const changed = removed.replace(/^tasks:\n/m, added);
    const report = await importText(changed);
    expect(report.status, JSON.stringify(report.problems)).toBe('imported');

    const after = new Map((await history()).map((h) => [h.entry_id, h]));
    expect(after.size).toBe(before.length);
    for (const h of before) {
      const now = after.get(h.entry_id);
      if (h.plan_id !== KG) {
        expect(now).toEqual(h);
      } else if (h.number === 'III.1.b') {
        // its task is gone: kept, detached
        expect(now).toEqual({ ...h, seq: null });
      } else {
        // one task before it now, and III.1.b no longer: its place moved with it
        const seq = h.seq! < b.seq ? h.seq! + 1 : h.seq!;
        expect(now, h.number).toEqual({ ...h, seq });
      }
    }
    // the status a reader sees stays with each task's title
    const current = await statuses();
    expect(current.find((x) => x.title.startsWith('Nhiệm vụ bổ sung'))?.status).toBe('planned');
    const c = current.find(
      (x) => x.plan_id === KG && x.title === before.find((h) => h.number === 'III.1.c')?.label,
    );
    expect(c?.status).toBe('in_progress');
    const detached = await db.all<{ n: number }>(
      "select count(*)::integer n from task_status_history where plan_id = $p and seq is null and number = 'III.1.b'",
      { p: KG },
    );
    expect(detached[0].n).toBe(
      before.filter((h) => h.plan_id === KG && h.number === 'III.1.b').length,
    );

    // the old list back: III.1.b's change binds to it again, every change where it was
    const back = await importText(`${original}\n`);
    expect(back.status).toBe('imported');
    expect(await history()).toEqual(before);
  });
});
