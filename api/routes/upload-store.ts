// The previews of the upload page: a file that passed its dry run, kept server-side under an
// unguessable id with its SHA-256 and the options it was previewed with, so that confirming loads
// exactly the file and the options that were previewed (a changed file is a new preview). Each is
// a private folder of its own (mkdtemp: mode 0700) named like an upload's, so that ingest.ts's
// start-up sweep removes what a killed server left; a preview is removed when it is confirmed,
// replaced, or an hour old, and all of them when the server closes.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import type { IngestOptions, IngestReport } from '../../pipelines/load/ingest.ts';

/** ingest.ts sweeps folders with this prefix older than an hour at start. */
export const PREVIEW_PREFIX = 'chitieu-upload-preview-';
export const PREVIEW_TTL_MS = 60 * 60 * 1000;

export interface Preview {
  id: string;
  /** the private folder holding the file */
  dir: string;
  path: string;
  /** the name the browser gave */
  name: string;
  sha256: string;
  /** who previewed it: only they may confirm it */
  owner: string;
  /** the ingest options of the dry run, reused as they are to load */
  options: IngestOptions;
  report: IngestReport;
  created: number;
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class PreviewStore {
  private readonly previews = new Map<string, Preview>();

  constructor(
    private readonly ttlMs = PREVIEW_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Keeps a preview (its folder is the store's from now on); its id. */
  add(preview: Omit<Preview, 'id' | 'created'>): Preview {
    this.sweep();
    const kept: Preview = {
      ...preview,
      id: randomBytes(18).toString('base64url'),
      created: this.clock(),
    };
    this.previews.set(kept.id, kept);
    return kept;
  }

  /** The owner's live preview of this id, taken out of the store (confirming uses it up). */
  take(id: string, owner: string): Preview | null {
    this.sweep();
    const p = this.previews.get(id);
    if (!p || p.owner !== owner) return null;
    this.previews.delete(id);
    return p;
  }

  /** Removes a preview's folder (after it was loaded, or refused). */
  discard(p: Preview): void {
    this.previews.delete(p.id);
    rmSync(p.dir, { recursive: true, force: true });
  }

  /** Drops the previews older than the time to live. */
  sweep(): void {
    const now = this.clock();
    for (const p of this.previews.values()) if (now - p.created > this.ttlMs) this.discard(p);
  }

  /** Drops them all (the server closes). */
  clear(): void {
    for (const p of [...this.previews.values()]) this.discard(p);
  }

  get size(): number {
    return this.previews.size;
  }
}
