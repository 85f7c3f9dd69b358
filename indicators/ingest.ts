// A file in, its months recomputed: the one use-case that `chitieu ingest`, the upload route
// (POST /api/ingest) and the browser's upload share. The batch writer records the refresh each
// batch owes in the transaction that stores its figures (core.refresh_pending); this completes
// every refresh still owed, the new batch's and any that a killed process left, so that the
// results served are never older than the figures (a re-upload of a batch whose refresh was cut
// short answers "unchanged" and completes it).
import type { Database } from '../pipelines/db/connect.ts';
import { ingestFile, type IngestOptions, type IngestReport } from '../pipelines/load/ingest.ts';
import { refreshPending, type RefreshSummary } from './compute/refresh.ts';

export interface IngestOutcome {
  report: IngestReport;
  /** the engine's refresh after the file (null: nothing was owed, or a dry run) */
  computed: RefreshSummary | null;
}

export async function ingestAndRefresh(
  db: Database,
  path: string,
  options: IngestOptions & { today?: string; onComputing?: () => void } = {},
): Promise<IngestOutcome> {
  const { today, onComputing, ...ingestOptions } = options;
  const report = await ingestFile(db, path, ingestOptions);
  if (ingestOptions.dryRun) return { report, computed: null };
  onComputing?.();
  const computed = await refreshPending(db, today === undefined ? {} : { today });
  return { report, computed };
}
