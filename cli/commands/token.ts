// `chitieu token create|list|revoke`: access tokens for the HTTP API, kept hashed in a file beside
// the database (so this works while `chitieu serve` holds the database).
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Database, DatabaseBusyError, databasePath } from '../../pipelines/db/connect.ts';
import { allUnits } from '../../pipelines/load/units.ts';
import { UnitIndex } from '../../pipelines/normalize/units.ts';
import { findUnit, LookupError } from '../../pipelines/normalize/lookup.ts';
import { today } from '../../pipelines/normalize/calendar.ts';
import {
  LABEL,
  listed,
  parseToken,
  ROLES,
  SCOPED_ROLES,
  TokenStore,
  type Role,
} from '../../api/tokens.ts';
import { tokensPath } from '../../api/config.ts';
import { inputError, usageError } from '../errors.ts';
import type { Io } from '../io.ts';
import { formatTable } from './sql.ts';
import { COMMAND_HELP } from '../help.ts';

export const help = COMMAND_HELP.token;

interface Scope {
  /** what the token stores */
  unit: string;
  /** what to tell: the unit found, or why it was not checked */
  said: string;
  checked: boolean;
}

/** Checks a reporter's or planner's unit against the database when it can be opened read-only. */
async function checkUnit(unit: string, io: Io): Promise<Scope> {
  const path = databasePath(io.env);
  const unchecked = (why: string): Scope => ({
    unit,
    checked: false,
    said:
      `${why}: unit ${unit} is stored as given, unchecked; the server resolves it at each ` +
      'upload or recording as it was on this day, and refuses the token (403) if it names no unit',
  });
  if (!existsSync(path)) return unchecked(`no database at ${path} yet`);
  let db: Database;
  try {
    db = await Database.open(path, { readOnly: true });
  } catch (error) {
    if (!(error instanceof DatabaseBusyError)) throw error;
    return unchecked(`the database is in use by another process (${error.holder})`);
  }
  try {
    const found = findUnit(new UnitIndex(await allUnits(db)), unit, today({ env: io.env }));
    // the id, not the code: a code may name another unit after a reform, the id never does
    return { unit: found.unit_id, checked: true, said: `${found.unit_id} ${found.full_name}` };
  } catch (error) {
    if (error instanceof LookupError) throw usageError(`invalid --unit: ${error.message}`);
    throw error;
  } finally {
    db.close();
  }
}

async function create(args: string[], io: Io, store: TokenStore): Promise<number> {
  // no positionals allowed: parseArgs refuses them (exit 2)
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      unit: { type: 'string' },
      label: { type: 'string' },
    },
  });
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role)) {
    throw usageError(
      `${role ? `invalid --role: ${role}` : 'token create needs --role'} (${ROLES.join(', ')})`,
    );
  }
  const unit = values.unit?.trim();
  if (role === 'reporter' && !unit) {
    throw usageError('a reporter token needs --unit (the unit whose figures it may upload)');
  }
  if (role === 'planner' && !unit) {
    throw usageError(
      'a planner token needs --unit (the unit whose plans it may record progress for)',
    );
  }
  if (!SCOPED_ROLES.includes(role) && values.unit !== undefined) {
    throw usageError(
      `--unit applies to reporter and planner tokens only; a ${role} token is not scoped`,
    );
  }
  const scope = unit ? await checkUnit(unit, io) : null;
  const label = values.label?.trim() ?? (scope ? `${role} ${scope.unit}` : role);
  if (!LABEL.test(label)) {
    throw usageError('invalid --label: 1 to 200 characters on one line');
  }
  if (scope && !scope.checked) io.err(`warning: ${scope.said}`);
  // the id when the database could be read; else the code, read on this day at each use
  const { token, stored } = store.create(
    role,
    scope?.unit ?? null,
    label,
    new Date(),
    scope?.checked ? scope.unit : null,
  );
  io.out(
    `created ${role} token ${stored.id} "${label}"${scope?.checked ? ` for ${scope.said}` : ''}`,
  );
  io.out('it is shown only now; keep it secret (chitieu token revoke ID withdraws it):');
  io.out(token);
  return 0;
}

function list(args: string[], io: Io, store: TokenStore): number {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false } },
  });
  // every field but the hash: nothing here helps to forge a token
  const shown = store
    .list()
    .map(listed)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  if (values.json) {
    io.out(JSON.stringify(shown, null, 2));
    return 0;
  }
  const columns = ['id', 'role', 'unit', 'label', 'created_at', 'revoked_at'] as const;
  const rows = shown.map((t) => columns.map((c) => t[c]));
  for (const line of formatTable([...columns], rows, Number.MAX_SAFE_INTEGER)) io.out(line);
  return 0;
}

function revoke(args: string[], io: Io, store: TokenStore): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1)
    throw usageError('token revoke needs one ID (see chitieu token list)');
  const given = positionals[0].trim();
  const id = parseToken(given)?.id ?? given;
  if (!/^[0-9a-f]{12}$/.test(id)) throw usageError(`invalid token ID: ${given} (12 hex digits)`);
  const before = store.list().find((t) => t.id === id);
  if (!before) throw inputError(`no token has ID ${id} (see chitieu token list)`);
  if (before.revoked_at) {
    io.out(`token ${id} was already revoked on ${before.revoked_at}`);
    return 0;
  }
  const revoked = store.revoke(id)!;
  io.out(`revoked ${revoked.role} token ${id} "${revoked.label}" on ${revoked.revoked_at}`);
  return 0;
}

export async function run(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const store = new TokenStore(tokensPath(io.env));
  switch (sub) {
    case 'create':
      return create(rest, io, store);
    case 'list':
      return list(rest, io, store);
    case 'revoke':
      return revoke(rest, io, store);
    default:
      throw usageError(
        `${sub ? `unknown subcommand: token ${sub}` : 'token needs a subcommand'}\n\n${help}`,
      );
  }
}
