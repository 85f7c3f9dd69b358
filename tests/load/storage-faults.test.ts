// Storage faults (issue 16, item 8): the database on a small real filesystem (a tmpfs mounted
// for this file: the tests run as root, as CI does) that is filled up, or made read-only. An
// upload then gets a clear 500 SERVER_IO_ERROR in Vietnamese and English — never a 422 that
// blames the file, never "cannot rollback - no transaction is active" — and the batch is either
// absent (the database's fingerprint unchanged) or whole with its refresh: a refresh the full
// disk cut short stays recorded as owed, reads are refused rather than served the results of
// before the batch, and the next request after space is freed completes it. A server started on
// a read-only folder, and the CLI, say one line in both languages and exit 1, no stack trace.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../cli/server.ts';
import { readConfig } from '../../api/config.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { StorageError } from '../../pipelines/db/storage.ts';
import { Warehouse } from '../../api/plugins/warehouse.ts';
import { DEMO_TODAY } from '../global-setup.ts';
import { main } from '../../cli/main.ts';
import { bufferIo } from '../helpers.ts';

let root: string;
let mnt: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'chitieu-storage-'));
  mnt = join(root, 'disk');
  mkdirSync(mnt);
  process.env.CHITIEU_TODAY = DEMO_TODAY;
});
afterAll(() => {
  spawnSync('umount', [mnt]);
  rmSync(root, { recursive: true, force: true });
});

/** A fresh tmpfs of `mb` MiB at `mnt` (the last one unmounted first). */
function mountDisk(mb: number): void {
  spawnSync('umount', [mnt]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m,mode=0700`, 'tmpfs', mnt]);
}
const freeBytes = () => {
  const s = statfsSync(mnt);
  return s.bavail * s.bsize;
};
/** Fills the disk until `leave` bytes are free (a file of zeros, removed by free()). */
function fill(leave: number): void {
  const size = freeBytes() - leave;
  if (size > 0) writeFileSync(join(mnt, 'filler'), Buffer.alloc(size));
}
const free = () => rmSync(join(mnt, 'filler'), { force: true });

let app: FastifyInstance | null = null;
afterEach(async () => {
  free();
  await app?.close();
  app = null;
});

async function serveOn(dbPath: string): Promise<{ app: FastifyInstance; admin: string }> {
  const config = readConfig(
    {},
    { dbPath, tokensPath: join(root, 'tokens.json'), logLevel: 'silent' },
  );
  const built = await buildServer(config, false);
  app = built;
  return { app: built, admin: built.tokens.create('admin', null, 'storage').token };
}

async function upload(target: FastifyInstance, token: string, csv: string) {
  const data = new FormData();
  data.append('file', new Blob([csv]), 'figures.csv');
  const encoded = new Response(data);
  return target.inject({
    method: 'POST',
    url: '/api/ingest',
    headers: {
      'content-type': encoded.headers.get('content-type')!,
      authorization: `Bearer ${token}`,
    },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

/** Figures for every province of 2025-12 (a new revision each: `bump` changes the values). */
async function figures(target: FastifyInstance, bump: number): Promise<string> {
  const codes = await target.warehouse.read((db) =>
    db.all<{ code: string }>(
      `select code from units where level = 'province'
       and valid_from <= date '2025-12-31' and coalesce(valid_to, date '9999-12-31') >= date '2025-12-31'
       order by code`,
    ),
  );
  const lines = ['unit_code,period,metric,value'];
  for (const [i, { code }] of codes.entries()) {
    lines.push(`${code},2025-12,population,${1_000_000 + bump + i}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * What a fault could change: every core table's rows (but the audit, which records the refusal
 * when the disk lets it) and the meta; read on a connection of the server's own instance.
 */
async function fingerprint(target: FastifyInstance): Promise<string> {
  return target.warehouse.read(async (db) => {
    const tables = await db.all<{ t: string }>(
      `select table_name t from duckdb_tables()
       where database_name = current_database() and schema_name = 'core' and table_name <> 'audit'
       order by all`,
    );
    const parts = [];
    for (const { t } of tables) {
      parts.push(
        await db.all(
          `select '${t}' t, count(*)::varchar n, coalesce(sum(hash(x))::varchar, '') h from core."${t}" x`,
        ),
      );
    }
    return JSON.stringify(parts);
  });
}

const pending = async (target: FastifyInstance) =>
  (
    await target.warehouse.read((db) =>
      db.all<{ n: number }>('select count(*)::int n from core.refresh_pending'),
    )
  )[0].n;

/** A server fault in both languages, never a rollback's message standing in for it. */
function storageAnswer(res: { statusCode: number; json: () => unknown; body: string }): string {
  expect(res.statusCode, res.body).toBe(500);
  const { error } = res.json() as { error: { code: string; message: string } };
  expect(error.code).toBe('SERVER_IO_ERROR');
  expect(error.message).toMatch(/ổ đĩa/);
  expect(error.message).toMatch(/disk/);
  expect(error.message).not.toMatch(/rollback|no transaction/);
  return error.message;
}

async function demoOnDisk(mb = 48): Promise<string> {
  mountDisk(mb);
  const dbPath = join(mnt, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
  return dbPath;
}

describe('a full disk under the server', () => {
  it('refuses an upload that cannot commit: 500 in both languages, nothing changed, health answers', async () => {
    const s = await serveOn(await demoOnDisk());
    const csv = await figures(s.app, 1);
    const before = await fingerprint(s.app);
    fill(0);
    storageAnswer(await upload(s.app, s.admin, csv));
    expect((await s.app.inject('/api/health')).statusCode).toBe(200);
    expect(await fingerprint(s.app)).toBe(before);
    expect(await pending(s.app)).toBe(0);
    // space again: the same file loads, and the server never needed a restart
    free();
    const again = await upload(s.app, s.admin, csv);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'loaded' });
    expect(await pending(s.app)).toBe(0);
  });

  it('keeps a batch that committed before its refresh failed, refuses stale reads, completes it at the next request', async () => {
    const s = await serveOn(await demoOnDisk());
    s.app.warehouse.settleEveryMs = 0;
    const csv = await figures(s.app, 2);
    const asOf = async () =>
      (
        await s.app.warehouse.read((db) =>
          db.all<{ value: string }>("select value from core.meta where key = 'computed_at'"),
        )
      )[0].value;
    const computedBefore = await asOf();
    // room for the batch's few rows, not for the engine's results of its month
    fill(64 * 1024);
    const message = storageAnswer(await upload(s.app, s.admin, csv));
    expect(message).toMatch(/số liệu đã được lưu/);
    expect(message).toMatch(/figures were stored/);
    expect(await pending(s.app)).toBe(1);
    // the disk still full: a read is refused rather than served results older than the figures
    const stale = await s.app.inject('/api/scorecard?unit=VN&period=2025-Q4');
    expect(stale.statusCode, stale.body).toBe(503);
    expect(stale.headers['retry-after']).toBeDefined();
    expect(stale.json()).toMatchObject({ error: { code: 'RESULTS_OWED' } });
    expect((await s.app.inject('/api/health')).statusCode).toBe(200);
    // space again: the next request completes the refresh first, then is served
    free();
    const fresh = await s.app.inject('/api/scorecard?unit=VN&period=2025-Q4');
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(await pending(s.app)).toBe(0);
    expect(await asOf()).not.toBe(computedBefore);
    // and the figures are the batch's: a re-upload changes nothing
    const again = await upload(s.app, s.admin, csv);
    expect(again.json()).toMatchObject({ status: 'unchanged' });
  });

  it('completes an owed refresh when the server starts on the same file', async () => {
    const dbPath = await demoOnDisk();
    const s = await serveOn(dbPath);
    const csv = await figures(s.app, 3);
    fill(64 * 1024);
    storageAnswer(await upload(s.app, s.admin, csv));
    expect(await pending(s.app)).toBe(1);
    await s.app.close();
    app = null;
    // still full: the server does not start on owed results, and says why in one line
    await expect(Warehouse.open(dbPath)).rejects.toBeInstanceOf(StorageError);
    free();
    const restarted = await serveOn(dbPath);
    expect(await pending(restarted.app)).toBe(0);
  });
});

describe('a read-only or missing folder', () => {
  it('the server does not start: a StorageError, in both languages', async () => {
    const dbPath = await demoOnDisk(32);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const error = await serveOn(dbPath).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).line).toMatch(/^Lỗi lưu trữ: .*\. Storage error: .*read-only/);
    await expect(Database.open(join(mnt, 'new/x.duckdb'))).rejects.toBeInstanceOf(StorageError);
  });

  it('chitieu serve and chitieu ingest: one line each, exit 1, no stack trace', async () => {
    const dbPath = await demoOnDisk(32);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const csv = join(root, 'figures.csv');
    writeFileSync(csv, 'unit_code,period,metric,value\n01,2025-12,population,1\n');
    for (const args of [['serve', '--port', '0'], ['ingest', csv], ['init']]) {
      const io = bufferIo(dbPath);
      expect(await main(args, io)).toBe(1);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(/^Lỗi lưu trữ: .*Storage error: /);
      expect(io.stderr[0]).not.toMatch(/\n\s+at /);
    }
  });

  it('chitieu ingest on a full disk: exit 1, the disk named, nothing loaded', async () => {
    const dbPath = await demoOnDisk();
    const s = await serveOn(dbPath);
    const csv = join(root, 'full.csv');
    writeFileSync(csv, await figures(s.app, 4));
    const before = await fingerprint(s.app);
    await s.app.close();
    app = null;
    fill(0);
    const io = bufferIo(dbPath);
    expect(await main(['ingest', csv], io)).toBe(1);
    expect([...io.stdout, ...io.stderr].join('\n')).toMatch(/full|đầy/);
    free();
    const after = await serveOn(dbPath);
    expect(await fingerprint(after.app)).toBe(before);
  });
});
