// The upload page's previews: kept for their owner only, used once, gone after an hour or when
// the server closes, each in a private folder that start-up's sweep of stale uploads recognises.
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSha256, PREVIEW_PREFIX, PreviewStore } from '../../api/routes/upload-store.ts';
import { sweepStaleUploads } from '../../api/routes/receive.ts';
import type { IngestReport } from '../../pipelines/load/ingest.ts';

function kept(store: PreviewStore, owner = 'user:a') {
  const dir = mkdtempSync(join(tmpdir(), PREVIEW_PREFIX));
  const path = join(dir, 'upload.csv');
  writeFileSync(path, 'unit_code,period,metric,value\n');
  return store.add({
    dir,
    path,
    name: 'a.csv',
    sha256: 'x',
    owner,
    options: {},
    report: {} as IngestReport,
  });
}

describe('PreviewStore', () => {
  it('gives a preview to its owner once, in a private folder', () => {
    const store = new PreviewStore();
    const p = kept(store);
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    expect(p.id).toMatch(/^[\w-]{24}$/);
    expect(store.take(p.id, 'user:b')).toBeNull();
    expect(store.take(p.id, 'user:a')).toBe(p);
    expect(store.take(p.id, 'user:a')).toBeNull();
    store.discard(p);
    expect(existsSync(p.dir)).toBe(false);
  });

  it('drops previews older than an hour, and all of them on close', () => {
    let now = 1_000_000;
    const store = new PreviewStore(60 * 60 * 1000, () => now);
    const old = kept(store);
    now += 30 * 60 * 1000;
    const young = kept(store);
    now += 31 * 60 * 1000;
    store.sweep();
    expect(existsSync(old.dir)).toBe(false);
    expect(store.take(old.id, 'user:a')).toBeNull();
    expect(existsSync(young.dir)).toBe(true);
    store.clear();
    expect(existsSync(young.dir)).toBe(false);
    expect(store.size).toBe(0);
  });

  it("is swept at start when a killed server left it, and hashes a file's bytes", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chitieu-test-'));
    const left = mkdtempSync(join(dir, PREVIEW_PREFIX));
    expect(sweepStaleUploads(dir, 60 * 60 * 1000, Date.now() + 2 * 60 * 60 * 1000)).toEqual([
      left.split('/').pop(),
    ]);
    const file = join(dir, 'f');
    writeFileSync(file, 'abc');
    expect(await fileSha256(file)).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
