// fastify.audit: every write request (routes whose access is 'ingest' or 'admin') leaves a row in
// core.audit — who (token id, role, label), when, which batch, the status answered — written
// through the warehouse's write queue. Handlers record their own outcome with details; a write
// request that ends before its handler records anything (no or a bad token, the wrong role, a
// body Fastify refused, a crash) is recorded once its response is sent; so is the one 429 per
// address and minute that locks an address out after repeated failed authentications.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../pipelines/db/connect.ts';
import { WRITES } from './auth.ts';

export interface AuditEntry {
  /** what was attempted: ingest, token.create, token.revoke, … */
  action: string;
  /** the HTTP status answered */
  status: number;
  batch_id?: string | null;
  /** stored as JSON */
  detail?: Record<string, unknown> | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the audit action of a write route; its access when absent */
    action?: string;
  }
  interface FastifyRequest {
    /** set once the request's audit row is written (or queued) */
    audited: boolean;
    /** the error code this request was answered with, for the audit row */
    auditError: string | null;
  }
  interface FastifyInstance {
    audit(request: FastifyRequest, entry: AuditEntry): Promise<void>;
  }
}

/** Writes one audit row on `db` (inside a write the caller already holds). */
export async function recordAudit(
  db: Database,
  request: FastifyRequest,
  entry: AuditEntry,
): Promise<void> {
  const p = request.principal;
  const detail = {
    ...(entry.detail ?? {}),
    // who knocked, when nothing else says so
    ...(p ? {} : { address: request.ip }),
  };
  await db.run(
    `insert into core.audit values (current_timestamp, $token, $role, $label, $action, $method,
       $route, $status, $batch, $detail)`,
    {
      token: p?.token_id ?? null,
      role: p?.role ?? null,
      label: p?.label ?? null,
      action: entry.action,
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0],
      status: entry.status,
      batch: entry.batch_id ?? null,
      detail: Object.keys(detail).length > 0 ? JSON.stringify(detail) : null,
    },
  );
}

const isWrite = (request: FastifyRequest) =>
  WRITES.includes(request.routeOptions.config?.access ?? 'read');

/** The machine code of an error body (`{"error":{"code":…}}`), when the payload is one. */
function errorCode(payload: unknown): string | null {
  if (typeof payload !== 'string' || payload.length > 1_000_000) return null;
  try {
    const parsed = JSON.parse(payload) as { error?: { code?: unknown } };
    return typeof parsed?.error?.code === 'string' ? parsed.error.code : null;
  } catch {
    return null; // not JSON: there is no code to keep
  }
}

export default fp(
  async function auditPlugin(fastify: FastifyInstance) {
    const present = await fastify.warehouse.read((db) =>
      db.scalar<bigint>(
        "select count(*) from duckdb_tables() where schema_name = 'core' and table_name = 'audit'",
      ),
    );
    if (Number(present) === 0) {
      throw new Error(
        `the database ${fastify.warehouse.writer.path} has no core.audit table: run chitieu init to migrate it`,
      );
    }

    fastify.decorateRequest('audited', false);
    fastify.decorateRequest('auditError', null);
    fastify.decorate('audit', async (request: FastifyRequest, entry: AuditEntry) => {
      request.audited = true;
      await fastify.warehouse.write((db) => recordAudit(db, request, entry));
    });

    fastify.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode >= 400 && (isWrite(request) || request.lockedOut) && !request.audited) {
        request.auditError = errorCode(payload);
      }
      return payload;
    });

    // Refusals before the handler ran (401, 403 for the wrong role, 415 from the body parser)
    // and crashes. 429s are left to the request log — a row each would let anyone fill the
    // table — except the one that locks an address out, on any route: one row per address and
    // window, beside the failures that led to it.
    fastify.addHook('onResponse', async (request, reply) => {
      if (request.audited) return;
      let entry: AuditEntry;
      if (request.lockedOut === 'tripped') {
        entry = {
          action: 'auth.locked',
          status: reply.statusCode,
          detail: { error: request.auditError ?? 'TOO_MANY_FAILED_AUTH' },
        };
      } else if (!isWrite(request) || reply.statusCode === 429) {
        return;
      } else {
        const config = request.routeOptions.config;
        entry = {
          action: config?.action ?? config?.access ?? 'write',
          status: reply.statusCode,
          detail: request.auditError ? { error: request.auditError } : null,
        };
      }
      try {
        await fastify.audit(request, entry);
      } catch (error) {
        // the answer is already sent: nobody is left to tell but the log
        request.log.error({ err: error }, 'audit row not written');
      }
    });
  },
  { name: 'audit', dependencies: ['warehouse', 'auth'] },
);
