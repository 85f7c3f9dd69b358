// Browser accounts: who may sign in, with which role and unit scope, and the password rules. Rows
// of core.accounts (migration 011); passwords hashed with scrypt from node:crypto, N = 2^15,
// r = 8, p = 1 (32 MiB: OWASP's floor for scrypt), a 16-byte salt per password, compared in
// constant time. A check took 410–820 ms (median 590 ms of 9) on the 2-core build machine shared
// by eight busy processes; it runs on libuv's pool, so the event loop goes on serving meanwhile.
// A login that does not exist costs the same hash as one that does, so timing does not tell
// which logins exist.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Database } from '../pipelines/db/connect.ts';
import type { UnitIndex } from '../pipelines/normalize/units.ts';
import { findUnit } from '../pipelines/normalize/lookup.ts';
import { ROLES, SCOPED_ROLES, type Role } from './tokens.ts';

export interface Account {
  login: string;
  role: Role;
  /** reporter or planner scope, a unit id; null: everywhere */
  unit_id: string | null;
  must_change: boolean;
  created_at: string;
  password_changed_at: string | null;
  disabled_at: string | null;
}

/** Words for people, both languages: the CLI prints en, the pages vi first. */
export interface Said {
  en: string;
  vi: string;
}

export class AccountError extends Error {
  constructor(
    readonly code: string,
    readonly said: Said,
  ) {
    super(said.en);
    this.name = 'AccountError';
  }
}

export const LOGIN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const MIN_PASSWORD = 12;
/** a longer text is refused before hashing: the KDF's cost should not be the caller's to choose */
export const MAX_PASSWORD = 256;

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
/** scrypt needs 128·N·r bytes (32 MiB here); Node's default ceiling is exactly that, so raise it */
const maxmem = (logN: number, r: number) => 256 * 2 ** logN * r;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number) {
  const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: maxmem(logN, r) };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$15$8$1$<salt>$<hash>`: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A hash of nothing anyone knows: what an unknown login is checked against (made once, lazily). */
let decoy: Promise<string> | null = null;

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const encoded = stored ?? (await (decoy ??= hashPassword(randomBytes(24).toString('base64url'))));
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([\w-]+)\$([\w-]+)$/.exec(encoded);
  if (!m || password.length > MAX_PASSWORD) return false;
  const expected = Buffer.from(m[5], 'base64url');
  const key = await derive(password, Buffer.from(m[4], 'base64url'), +m[1], +m[2], +m[3]);
  return key.length === expected.length && timingSafeEqual(key, expected) && stored !== null;
}

/** Why a password may not be used, or null: a length, and not the login in other clothes. */
export function passwordProblem(login: string, password: string): Said | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD) {
    return {
      en: `the password must have at least ${MIN_PASSWORD} characters (it has ${length})`,
      vi: `mật khẩu phải có ít nhất ${MIN_PASSWORD} ký tự (hiện có ${length})`,
    };
  }
  if (password.length > MAX_PASSWORD) {
    return {
      en: `the password may have at most ${MAX_PASSWORD} characters`,
      vi: `mật khẩu dài tối đa ${MAX_PASSWORD} ký tự`,
    };
  }
  const folded = password.normalize('NFC').toLowerCase();
  if (folded.includes(login.toLowerCase())) {
    return {
      en: 'the password must not contain the login',
      vi: 'mật khẩu không được chứa tên đăng nhập',
    };
  }
  return null;
}

/** 16 characters from 96 random bits: printed once, changed at first sign-in. */
export const oneTimePassword = () => randomBytes(12).toString('base64url');

const COLUMNS = `login, role, unit_id, must_change, created_at::varchar as created_at,
  password_changed_at::varchar as password_changed_at, disabled_at::varchar as disabled_at`;

export async function listAccounts(db: Database): Promise<Account[]> {
  return db.all<Account>(`select ${COLUMNS} from core.accounts order by login`);
}

/** The account and its hash (null hash and account when the login is unknown). */
export async function findAccount(
  db: Database,
  login: string,
): Promise<{ account: Account; hash: string } | null> {
  const rows = await db.all<Account & { password_hash: string }>(
    `select ${COLUMNS}, password_hash from core.accounts where login = $login`,
    { login },
  );
  if (rows.length === 0) return null;
  const { password_hash, ...account } = rows[0];
  return { account, hash: password_hash };
}

export interface NewAccount {
  login: string;
  role: Role;
  /** the unit as written (code or id), for scoped roles */
  unit?: string | null;
  /** null: a one-time password is made and returned */
  password?: string | null;
}

/**
 * Adds an account, checking everything first: the login's shape and that it is free, the role,
 * the unit (resolved at `date` and stored by id), the password. Returns the one-time password
 * when none was given.
 */
export async function addAccount(
  db: Database,
  index: UnitIndex,
  input: NewAccount,
  date: string,
): Promise<{ account: Account; oneTime: string | null }> {
  const login = input.login.trim();
  if (!LOGIN.test(login)) {
    throw new AccountError('INVALID_LOGIN', {
      en: `invalid login: ${login} (2 to 64 of a-z 0-9 . _ -, lowercase, starting with a letter or digit)`,
      vi: `tên đăng nhập không hợp lệ: ${login} (2–64 ký tự a-z 0-9 . _ -, chữ thường)`,
    });
  }
  if (!ROLES.includes(input.role)) {
    throw new AccountError('INVALID_ROLE', {
      en: `invalid role: ${input.role} (${ROLES.join(', ')})`,
      vi: `vai trò không hợp lệ: ${input.role} (${ROLES.join(', ')})`,
    });
  }
  const unitText = input.unit?.trim() || null;
  const scoped = SCOPED_ROLES.includes(input.role);
  if (scoped && !unitText) {
    throw new AccountError('UNIT_REQUIRED', {
      en: `a ${input.role} account needs --unit (the unit it acts for)`,
      vi: `tài khoản ${input.role} cần --unit (đơn vị mà tài khoản làm việc cho)`,
    });
  }
  if (!scoped && unitText) {
    throw new AccountError('UNIT_NOT_ALLOWED', {
      en: `--unit applies to reporter and planner accounts only; a ${input.role} is not scoped`,
      vi: `--unit chỉ dùng cho tài khoản reporter và planner`,
    });
  }
  // LookupError (unknown or ambiguous unit) goes up as it is: its message names the unit
  const unit_id = unitText ? findUnit(index, unitText, date).unit_id : null;
  const oneTime = input.password ? null : oneTimePassword();
  const password = input.password ?? oneTime!;
  const problem = passwordProblem(login, password);
  if (problem) throw new AccountError('WEAK_PASSWORD', problem);
  if (await findAccount(db, login)) {
    throw new AccountError('LOGIN_TAKEN', {
      en: `an account named ${login} exists already`,
      vi: `tài khoản ${login} đã có`,
    });
  }
  await db.run(
    `insert into core.accounts values ($login, $role, $unit, $hash, $must, current_timestamp,
       null, null)`,
    {
      login,
      role: input.role,
      unit: unit_id,
      hash: await hashPassword(password),
      must: oneTime !== null,
    },
  );
  const stored = await findAccount(db, login);
  return { account: stored!.account, oneTime };
}

/** Disables an account; returns it as it now stands, or null when the login is unknown. */
export async function disableAccount(db: Database, login: string): Promise<Account | null> {
  await db.run(
    `update core.accounts set disabled_at = coalesce(disabled_at, current_timestamp)
     where login = $login`,
    { login },
  );
  return (await findAccount(db, login))?.account ?? null;
}

/** A new password chosen by its holder (checked by the caller with passwordProblem). */
export async function setPassword(db: Database, login: string, password: string): Promise<void> {
  await db.run(
    `update core.accounts set password_hash = $hash, must_change = false,
       password_changed_at = current_timestamp where login = $login`,
    { login, hash: await hashPassword(password) },
  );
}
