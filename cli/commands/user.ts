// `chitieu user add|list|disable`: browser accounts in core.accounts (api/accounts.ts). The
// command writes the database itself; while `chitieu serve` holds it, an admin uses
// /api/accounts instead (the message says so). The unit is resolved to its id here, once.
import { parseArgs } from 'node:util';
import { Database, DatabaseBusyError, databasePath } from '../../pipelines/db/connect.ts';
import { migrate } from '../../pipelines/db/migrate.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { LookupError } from '../../pipelines/normalize/lookup.ts';
import { today } from '../../pipelines/normalize/calendar.ts';
import {
  AccountError,
  addAccount,
  disableAccount,
  listAccounts,
  MAX_PASSWORD,
} from '../../api/accounts.ts';
import { ROLES, type Role } from '../../api/tokens.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { formatTable } from './sql.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.user;

/** An Io that may say where --password-stdin reads (tests); process.stdin otherwise. */
export type UserIo = Io & { stdin?: () => Promise<string> };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Opens the database to write, or says how to do the same through the running server. */
async function open(io: Io, instead: string): Promise<Database> {
  try {
    return await Database.open(databasePath(io.env));
  } catch (error) {
    if (!(error instanceof DatabaseBusyError)) throw error;
    throw inputError(
      `the database is in use by another process (${error.holder}); if it is chitieu serve, ` +
        `${instead} with an admin token`,
    );
  }
}

const said = (error: AccountError) => `${error.said.vi} (${error.said.en})`;

async function add(args: string[], io: UserIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      login: { type: 'string' },
      role: { type: 'string' },
      unit: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  if (!values.login) throw usageError('user add needs --login');
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) {
    throw usageError(
      `${role ? `invalid --role: ${role}` : 'user add needs --role'} (${ROLES.join(', ')})`,
    );
  }
  let password: string | null = null;
  if (values['password-stdin']) {
    // one line: the trailing newline of `echo` or a here-string is not part of it
    password = (await (io.stdin ?? readStdin)()).replace(/\r?\n$/, '');
    if (password.length > MAX_PASSWORD) {
      throw usageError(`the password may have at most ${MAX_PASSWORD} characters`);
    }
  }
  const db = await open(io, 'POST /api/accounts');
  try {
    await migrate(db);
    const index = new UnitIndex(await allUnits(db));
    const { account, oneTime } = await addAccount(
      db,
      index,
      { login: values.login, role, unit: values.unit ?? null, password },
      today({ env: io.env }),
    );
    const unit = account.unit_id ? index.get(account.unit_id) : undefined;
    io.out(
      `added ${account.role} account ${account.login}` +
        (unit ? ` for ${unit.unit_id} ${unit.full_name}` : ''),
    );
    if (oneTime) {
      io.out(
        'mật khẩu dùng một lần, phải đổi ở lần đăng nhập đầu; chỉ hiện lúc này ' +
          '(one-time password, to be changed at first sign-in; shown only now):',
      );
      io.out(oneTime);
    }
    return 0;
  } catch (error) {
    if (error instanceof AccountError) {
      throw error.code === 'LOGIN_TAKEN' ? inputError(said(error)) : usageError(said(error));
    }
    if (error instanceof LookupError) throw usageError(`invalid --unit: ${error.message}`);
    throw error;
  } finally {
    db.close();
  }
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const db = await open(io, 'GET /api/accounts');
  try {
    await migrate(db);
    const accounts = await listAccounts(db);
    if (values.json) {
      io.out(JSON.stringify(accounts, null, 2));
      return 0;
    }
    const columns = [
      'login',
      'role',
      'unit_id',
      'must_change',
      'created_at',
      'disabled_at',
    ] as const;
    const rows = accounts.map((a) => columns.map((c) => a[c]));
    for (const line of formatTable([...columns], rows, Number.MAX_SAFE_INTEGER)) io.out(line);
    return 0;
  } finally {
    db.close();
  }
}

async function disable(args: string[], io: Io): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw usageError('user disable needs one LOGIN');
  const login = positionals[0].trim();
  const db = await open(io, `POST /api/accounts/${login}/disable`);
  try {
    await migrate(db);
    const before = (await listAccounts(db)).find((a) => a.login === login);
    if (!before) {
      throw inputError(
        `không có tài khoản ${login} (no account is named ${login}; see chitieu user list)`,
      );
    }
    if (before.disabled_at) {
      io.out(`account ${login} was already disabled on ${before.disabled_at}`);
      return 0;
    }
    const account = await disableAccount(db, login);
    io.out(`disabled account ${login} on ${account!.disabled_at}; it signs in no more`);
    return 0;
  } finally {
    db.close();
  }
}

export async function run(args: string[], io: UserIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return add(rest, io);
    case 'list':
      return list(rest, io);
    case 'disable':
      return disable(rest, io);
    default:
      throw usageError(
        `${sub ? `unknown subcommand: user ${sub}` : 'user needs a subcommand'}\n\n${help}`,
      );
  }
}
