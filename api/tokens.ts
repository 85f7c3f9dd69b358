// Access tokens: a JSON file of hashed tokens beside the database (not in it, so that
// `chitieu token create` works while the server holds the database). A token is shown once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export const ROLES = ['viewer', 'reporter', 'planner', 'analyst', 'admin'] as const;
/** The roles whose token names a unit: what they may touch is that unit and the units under it. */
export const SCOPED_ROLES: readonly Role[] = ['reporter', 'planner'];
export type Role = (typeof ROLES)[number];

const storedToken = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{12}$/)
    .describe('public part of the token, names it in logs'),
  role: z.enum(ROLES),
  unit: z
    .string()
    .nullable()
    .describe('reporter or planner scope: a unit id or code, null for everywhere'),
  unit_id: z
    .string()
    .nullable()
    .optional()
    .describe(
      'the scope resolved to a unit id at creation; absent in older files and when the database ' +
        'was busy (the code is then read on the day the token was made)',
    ),
  label: z.string().describe('who or what holds the token'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('hash of the secret part'),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type StoredToken = z.infer<typeof storedToken>;

/** What a label may be: it is printed in lists and recorded with each batch (one line). */
export const LABEL = /^[^\p{Cc}]{1,200}$/u;

/** A token as shown to people: everything but the hash. */
export type ListedToken = Omit<StoredToken, 'sha256'>;
export const listed = ({ sha256: _hash, ...t }: StoredToken): ListedToken => t;

const tokenFile = z.object({ tokens: z.array(storedToken) });

const digest = (text: string) => createHash('sha256').update(text).digest();
const hash = (secret: string) => digest(secret).toString('hex');

/** `ct_<id>_<secret>`: the id is stored in clear, the 256-bit secret only as its hash. */
export function parseToken(text: string): { id: string; secret: string } | null {
  const m = /^ct_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(text.trim());
  return m ? { id: m[1], secret: m[2] } : null;
}

export class TokenStore {
  private tokens: StoredToken[] = [];
  private signature = '';

  constructor(readonly path: string) {}

  /**
   * The tokens, re-read when the file changed. Checked on every call (one stat): a revocation
   * by `chitieu token revoke` counts from the next request. A save renames a new file over the
   * old one, so its inode changes even when the clock's resolution hides the new mtime.
   */
  load(): StoredToken[] {
    let signature = 'absent';
    try {
      const s = statSync(this.path);
      signature = `${s.ino}:${s.mtimeMs}:${s.size}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (signature !== this.signature) {
      this.tokens = signature === 'absent' ? [] : this.read();
      this.signature = signature;
    }
    return this.tokens;
  }

  private read(): StoredToken[] {
    const parsed = tokenFile.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
    if (!parsed.success) {
      throw new Error(`invalid token file ${this.path}: ${parsed.error.issues[0]?.message}`);
    }
    return parsed.data.tokens;
  }

  /**
   * The live token this text is, or null (unknown, malformed or revoked). Its time does not
   * depend on how much of the token is right: the id and the secret are compared as SHA-256
   * digests (always 32 bytes) with timingSafeEqual, against every stored token, without stopping
   * at the first match. A malformed text is refused at once: its shape is public.
   */
  verify(text: string): StoredToken | null {
    const parts = parseToken(text);
    if (!parts) return null;
    const id = digest(parts.id);
    const secret = digest(parts.secret);
    let found: StoredToken | null = null;
    for (const t of this.load()) {
      const idMatches = timingSafeEqual(id, digest(t.id));
      const secretMatches = timingSafeEqual(secret, Buffer.from(t.sha256, 'hex'));
      if (idMatches && secretMatches) found = t;
    }
    return found && !found.revoked_at ? found : null;
  }

  /** Adds a token and returns it in clear: the only time it exists outside its holder. */
  create(
    role: Role,
    unit: string | null,
    label: string,
    now = new Date(),
    unitId: string | null = null,
  ): { token: string; stored: StoredToken } {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const stored: StoredToken = {
      id,
      role,
      unit,
      unit_id: unitId,
      label,
      sha256: hash(secret),
      created_at: now.toISOString(),
      revoked_at: null,
    };
    this.save([...this.fresh(), stored]);
    return { token: `ct_${id}_${secret}`, stored };
  }

  revoke(id: string, now = new Date()): StoredToken | null {
    const tokens = this.fresh();
    const found = tokens.find((t) => t.id === id);
    if (!found) return null;
    found.revoked_at ??= now.toISOString();
    this.save(tokens);
    return found;
  }

  list(): StoredToken[] {
    return this.fresh();
  }

  private fresh(): StoredToken[] {
    return existsSync(this.path) ? this.read() : [];
  }

  /** Written whole to a temporary file and renamed over: readers never see half a file. */
  private save(tokens: StoredToken[]): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ tokens }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
    this.signature = '';
  }
}
