// `chitieu user add|list|disable`: the account's unit stored by id, the password only as a scrypt
// hash, a one-time password printed last and changed at first sign-in, the refusals with their
// exit codes, and the accounts the server then signs in (or, disabled, does not).
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { main } from '../../cli/main.ts';
import type { UserIo } from '../../cli/commands/user.ts';
import { Database } from '../../pipelines/db/connect.ts';
import { buildServer } from '../../cli/server.ts';
import { readConfig } from '../../api/config.ts';
import { bufferIo, holdDatabase, tempDir } from '../helpers.ts';
import { browser, signIn } from '../api/signin.ts';

let dir: string;
let dbPath: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  dbPath = join(dir, 'demo.duckdb');
  copyFileSync(inject('demoDb'), dbPath);
});
afterAll(() => cleanup());

async function chitieu(args: string[], stdin?: string) {
  const io: UserIo = bufferIo(dbPath);
  if (stdin !== undefined) io.stdin = async () => stdin;
  const code = await main(['user', ...args], io);
  const { stdout, stderr } = io as ReturnType<typeof bufferIo>;
  return { code, stdout, stderr: stderr.join('\n') };
}

async function rows(sql: string) {
  const db = await Database.open(dbPath, { readOnly: true });
  try {
    return await db.all(sql);
  } finally {
    db.close();
  }
}

const PASSWORD = 'lúa chín vàng đồng 2026';

describe('chitieu user', () => {
  it('adds a planner with a password from stdin, stored by unit id and as a scrypt hash', async () => {
    const r = await chitieu(
      ['add', '--login', 'binh.tran', '--role', 'planner', '--unit', '79', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual([
      'added planner account binh.tran for p79@2025-07-01 Thành phố Hồ Chí Minh',
    ]);
    const [row] = await rows(
      "select unit_id, must_change, password_hash from core.accounts where login = 'binh.tran'",
    );
    expect(row).toMatchObject({ unit_id: 'p79@2025-07-01', must_change: false });
    expect(row.password_hash).toMatch(/^scrypt\$15\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(String(row.password_hash)).not.toContain('lúa');
  });

  it('prints a one-time password as the last line when none is given', async () => {
    const r = await chitieu(['add', '--login', 'an.nguyen', '--role', 'viewer']);
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toBe('added viewer account an.nguyen');
    expect(r.stdout.at(-2)).toContain('one-time password, to be changed at first sign-in');
    expect(r.stdout.at(-1)).toMatch(/^[\w-]{16}$/);
    const [row] = await rows("select must_change from core.accounts where login = 'an.nguyen'");
    expect(row.must_change).toBe(true);
  });

  it.each([
    [['--login', 'x1', '--role', 'viewer'], 'weak', 'mật khẩu phải có ít nhất 12 ký tự', 2],
    [
      ['--login', 'lan', '--role', 'viewer'],
      'my lan password!',
      'không được chứa tên đăng nhập',
      2,
    ],
    [['--login', 'binh.tran', '--role', 'viewer'], PASSWORD, 'tài khoản binh.tran đã có', 1],
    [['--login', 'cuong', '--role', 'reporter'], PASSWORD, 'cần --unit', 2],
    [['--login', 'cuong', '--role', 'viewer', '--unit', '79'], PASSWORD, 'chỉ dùng cho', 2],
    [
      ['--login', 'cuong', '--role', 'reporter', '--unit', 'nowhere'],
      PASSWORD,
      'invalid --unit',
      2,
    ],
    [['--login', 'cuong', '--role', 'boss'], PASSWORD, 'invalid --role: boss', 2],
    [['--login', 'Has Space', '--role', 'viewer'], PASSWORD, 'tên đăng nhập không hợp lệ', 2],
  ])('refuses %j (stdin %j): %s, exit %i', async (args, stdin, message, code) => {
    const r = await chitieu(['add', ...args, '--password-stdin'], stdin);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
  });

  it('lists the accounts as a table and as JSON, without hashes', async () => {
    const table = await chitieu(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout.join('\n')).toContain('binh.tran | planner | p79@2025-07-01 | false');
    expect(table.stdout.join('\n')).not.toContain('scrypt');
    const json = await chitieu(['list', '--json']);
    const parsed = JSON.parse(json.stdout.join('\n')) as { login: string }[];
    expect(parsed.map((a) => a.login)).toEqual(['an.nguyen', 'binh.tran']);
    expect(JSON.stringify(parsed)).not.toContain('scrypt');
  });

  it('disables an account, once', async () => {
    await chitieu(
      ['add', '--login', 'gone.soon', '--role', 'viewer', '--password-stdin'],
      PASSWORD,
    );
    const r = await chitieu(['disable', 'gone.soon']);
    expect(r.code).toBe(0);
    expect(r.stdout[0]).toMatch(/^disabled account gone\.soon on \d{4}-\d{2}-\d{2}/);
    const again = await chitieu(['disable', 'gone.soon']);
    expect(again.stdout[0]).toContain('was already disabled');
    const none = await chitieu(['disable', 'nobody']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('không có tài khoản nobody');
  });

  it('makes accounts the server signs in, and refuses the disabled one', async () => {
    const config = readConfig(
      {},
      { dbPath, tokensPath: join(dir, 'tokens.json'), logLevel: 'silent' },
    );
    const app = await buildServer(config, false);
    try {
      const ok = await signIn(app, browser('10.9.0.1'), 'binh.tran', PASSWORD);
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/');
      const gone = await signIn(app, browser('10.9.0.2'), 'gone.soon', PASSWORD);
      expect(gone.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('says how to do it through the server when the database is held', async () => {
    const holder = await holdDatabase(dbPath);
    try {
      const r = await chitieu(['disable', 'binh.tran']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('POST /api/accounts/binh.tran/disable with an admin token');
    } finally {
      holder.release();
    }
  });

  it('answers usage errors with exit 2', async () => {
    expect((await chitieu([])).code).toBe(2);
    expect((await chitieu(['add', '--role', 'viewer'])).code).toBe(2);
    expect((await chitieu(['disable'])).code).toBe(2);
  });
});
