// The batch writer: one DuckDB transaction per batch, begun, committed and rolled back here and
// nowhere else in the ingest. The work given to writeBatch writes the figures (with their keys),
// the batch's row and its warnings as findings; it commits whole, or (an error, or the work's own
// verdict) leaves the database exactly as it was.
import type { Database } from '../db/connect.ts';
import type { Problem } from './problems.ts';
import type { Counts } from './report.ts';
import { asStorageError } from '../db/storage.ts';

const NOTHING_LOADED = { en: 'nothing was loaded', vi: 'chưa nạp gì' };

/** The batch being written: its id, and the connection its transaction is open on. */
export interface Tx {
  readonly db: Database;
  readonly batchId: string;
}

/** What the work decided: keep what it wrote (commit), or drop it all (roll back). */
export type Verdict<T> = { commit: boolean; value: T };
export const keep = <T>(value: T): Verdict<T> => ({ commit: true, value });
export const discard = <T>(value: T): Verdict<T> => ({ commit: false, value });

export const newBatchId = (sha: string) =>
  `b${new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, '')
    .slice(0, 17)}-${sha.slice(0, 8)}`;

/**
 * Runs `work` in the batch's transaction. A thrown error rolls back and is thrown again (a
 * failure to roll back after it is not allowed to hide it); a `discard` verdict rolls back. A
 * storage fault (full disk, read-only folder) is thrown as a StorageError saying nothing was
 * loaded; a commit that failed after DuckDB had kept the batch returns as a commit.
 * `bulk`: the work appends millions of figures (see withoutFsst).
 */
export async function writeBatch<T>(
  db: Database,
  sha256: string,
  work: (tx: Tx) => Promise<Verdict<T>>,
  options: { bulk?: boolean } = {},
): Promise<T> {
  const tx: Tx = { db, batchId: newBatchId(sha256) };
  const restore = options.bulk ? await withoutFsst(db) : null;
  try {
    await db.run('begin transaction');
  } catch (error) {
    // a transaction already open is not ours to roll back
    await restore?.().catch(() => undefined);
    throw error;
  }
  let verdict: Verdict<T>;
  try {
    verdict = await work(tx);
  } catch (error) {
    // the work failed inside the open transaction: roll it back (a failure to roll back is not
    // allowed to hide the error that stopped the batch), and put the setting back if it can be
    await db.run('rollback').catch(() => undefined);
    await restore?.().catch(() => undefined);
    throw asStorageError(error, db.path, NOTHING_LOADED) ?? error;
  }
  try {
    if (verdict.commit) {
      // DuckDB "commits" a transaction a failed statement aborted by rolling it back, silently:
      // a statement in it fails first, so that a lost batch is never reported as loaded
      await db.run('select 1');
      await db.run('commit');
    } else {
      await db.run('rollback');
    }
  } catch (error) {
    // A failed COMMIT has ended the transaction, and a ROLLBACK after it only fails with "no
    // transaction is active" (the message that once hid a full disk): it is tried for the
    // aborted transaction `select 1` found, and its own failure ignored. What DuckDB kept is
    // asked, not assumed: the batch's row, its figures and the refresh it owes (core.batches,
    // core.refresh_pending) are in one transaction, so the row is there exactly when they are.
    await db.run('rollback').catch(() => undefined);
    await restore?.().catch(() => undefined);
    if (verdict.commit && (await batchKept(db, tx.batchId))) return verdict.value;
    throw asStorageError(error, db.path, NOTHING_LOADED) ?? error;
  }
  await restore?.();
  return verdict.value;
}

/**
 * Whether a batch's row is in the database, read after a failed commit on the same connection;
 * false when even that read fails (nothing can be said to be kept).
 */
async function batchKept(db: Database, batchId: string): Promise<boolean> {
  try {
    const n = await db.scalar('select count(*) from core.batches where batch_id = $id', {
      id: batchId,
    });
    return Number(n) > 0;
  } catch {
    return false;
  }
}

/** The batch's own row: where its figures came from and what they changed. */
export interface BatchRow extends Counts {
  file: string;
  sha256: string;
  layout: string;
  encoding: string;
  warnings: number;
  loadedBy: string;
}

/**
 * Writes the batch's row, and its warnings as quality findings: those of temp table `findings`,
 * and `early`, what reading the file found (a total row that disagrees with the rows it totals, a
 * derived percentage that disagrees with its parts), at their rows, without a unit.
 */
export async function insertBatchRow(
  tx: Tx,
  row: BatchRow,
  findings: string,
  early: readonly Problem[] = [],
): Promise<void> {
  await tx.db.run(
    `insert into core.batches values ($id, $file, $sha, current_timestamp, $read, $new, $revised,
         $unchanged, $warnings, $layout, $encoding, $by)`,
    {
      id: tx.batchId,
      file: row.file,
      sha: row.sha256,
      read: row.rowsRead,
      new: row.rowsNew,
      revised: row.rowsRevised,
      unchanged: row.rowsUnchanged,
      warnings: row.warnings + early.length,
      layout: row.layout,
      encoding: row.encoding,
      by: row.loadedBy,
    },
  );
  // the refresh this batch owes, committed with its figures (the engine's refresh deletes it in
  // the transaction that stores the results): a crash between the two cannot go unnoticed
  await tx.db.run('insert into core.refresh_pending values ($id, current_timestamp)', {
    id: tx.batchId,
  });
  // in bulk, however many there are: SQL to SQL, never through JavaScript
  await tx.db.run(
    `insert into core.quality_findings
     select $id, unit_id, period, metric, rule, 'warning', message, value, line, current_timestamp
     from ${findings}`,
    { id: tx.batchId },
  );
  for (const p of early) {
    await tx.db.run(
      `insert into core.quality_findings
       values ($id, null, null, null, $rule, 'warning', $message, $value, $line, current_timestamp)`,
      { id: tx.batchId, rule: p.rule, message: p.message, value: p.value, line: p.row },
    );
  }
}

/**
 * FSST compression off for a bulk append of figures: its training on the text columns left (one
 * batch id per batch, the notes) is wasted, since they compress as constants or dictionaries.
 * The setting is the instance's, and a failed transaction refuses SET: it is changed before the
 * transaction and put back after it, by the function returned.
 */
async function withoutFsst(db: Database): Promise<() => Promise<void>> {
  const disabled = String(
    await db.scalar(`select current_setting('disabled_compression_methods')`),
  );
  const methods = new Set(disabled.split(',').filter((m) => m.trim() !== ''));
  for (const m of ['fsst', 'dict_fsst']) methods.add(m);
  const set = (value: string) =>
    db.run(`set disabled_compression_methods = '${value.replace(/'/g, "''")}'`);
  await set([...methods].join(','));
  return () => set(disabled);
}
