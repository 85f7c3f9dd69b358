// POST /api/ingest: an uploaded file through the same pipeline, report and engine refresh as
// `chitieu ingest`, as one write on the warehouse's queue. The form is received by receive.ts
// (streamed to a temporary folder that is removed whatever happens); the file is read on a worker
// thread (pipelines/load/read-thread.ts) so that no upload holds the server; every outcome is
// audited.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyError } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IngestOptions, IngestReport } from '../../pipelines/load/ingest.ts';
import { ingestAndRefresh } from '../../indicators/ingest.ts';
import {
  FAULT_ANSWER,
  HttpError,
  OUT_OF_MEMORY_RETRY_S,
  serverFault,
  type ServerFault,
} from '../errors.ts';
import type { Problem } from '../../pipelines/load/problems.ts';
import { reporterScope, type Principal } from '../plugins/auth.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { errorSchema, errors } from '../schemas/common.ts';
import { today } from '../services/common.ts';
import {
  asReported,
  ingestDescription,
  ingestRefusalSchema,
  ingestReportSchema,
} from '../schemas/ingest.ts';
import {
  boundaryProblem,
  malformed,
  receive,
  receiveLimits,
  sweepStaleUploads,
  type Upload,
} from './receive.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';

/** Rules of whole-file problems that are a size limit: answered 413, not 422. */
const LIMIT_RULES = new Set(['too_large', 'too_deep']);

/** What the audit keeps of a report: enough to find the file and see what it did. */
export const reportDetail = (r: IngestReport, scope: string | null) => ({
  file: r.file,
  sha256: r.sha256,
  outcome: r.status,
  rows_read: r.rowsRead,
  rows_new: r.rowsNew,
  rows_revised: r.rowsRevised,
  errors: r.errorCount,
  ...(r.errors[0] ? { first_error: r.errors[0].rule } : {}),
  ...(scope ? { scope } : {}),
});

/** Who loaded a batch, as core.batches records it: a session's login, or the token. */
export const loadedBy = (p: Principal) =>
  p.source === 'session' ? `user:${p.label}` : `token:${p.token_id} (${p.label})`;

/**
 * A rejection that is the server's fault, not the file's: the pipeline reports DuckDB giving up on
 * a file as a whole-file problem (it cannot always tell a malformed CSV from its own failure), so
 * an out-of-memory or a full disk there would read as "your file is bad" (422). Only whole-file
 * problems are looked at: a row's message may quote the file's own text.
 */
export function rejectionFault(errors: readonly Problem[]): ServerFault | null {
  for (const p of errors) {
    const fault = p.row === null ? serverFault(p.message) : null;
    if (fault) return fault;
  }
  return null;
}

/** The status and code of an error thrown while ingesting, as the error handler will answer it. */
function thrownAnswer(error: unknown): { status: number; code: string } {
  if (error instanceof HttpError) return { status: error.statusCode, code: error.code };
  const e = error as Partial<FastifyError>;
  if (e.statusCode && e.statusCode < 500)
    return { status: e.statusCode, code: e.code ?? 'INVALID_REQUEST' };
  return FAULT_ANSWER[serverFault(String(e.message)) ?? 'internal'];
}

const ingest: FastifyPluginAsyncZod = async (fastify) => {
  const limit = fastify.config.bodyLimit;
  // registered here, so that only this route reads multipart bodies
  await fastify.register(multipart, {
    limits: { fileSize: limit, files: 1, fields: 14, fieldSize: 1024, parts: 15 },
  });
  const swept = sweepStaleUploads();
  if (swept.length > 0)
    fastify.log.warn({ removed: swept }, 'removed upload folders left by a killed server');

  fastify.post(
    '/api/ingest',
    {
      config: { access: 'ingest', action: 'ingest' },
      // after auth (a global onRequest hook), before multipart reads a byte of the body
      preValidation: async (request) => {
        const problem = boundaryProblem(request.headers['content-type']);
        if (problem) throw malformed(problem);
      },
      schema: {
        tags: ['data'],
        summary: 'Upload reported figures',
        description: ingestDescription,
        consumes: ['multipart/form-data'],
        security: [{ bearer: [] }],
        response: {
          200: ingestReportSchema.describe('loaded, unchanged or dry_run'),
          ...errors,
          403: z.union([ingestRefusalSchema, errorSchema]),
          413: z
            .union([ingestRefusalSchema, errorSchema])
            .describe('over a size limit: body, rows, workbook cells or inflated size, JSON depth'),
          415: errorSchema,
          422: ingestRefusalSchema.describe('rejected: every problem, nothing loaded'),
          500: errorSchema.describe('the server failed (INTERNAL, SERVER_IO_ERROR); not the file'),
          503: errorSchema.describe(
            'the server ran out of memory (SERVER_OUT_OF_MEMORY; Retry-After); not the file',
          ),
        },
      },
    },
    async (request, reply) => {
      // auth ran first: a principal with ingest access
      const principal = request.principal!;
      let report: IngestReport | null = null;
      let scope: string | null = null;
      let dir: string | null = null;
      try {
        if (!request.isMultipart()) {
          throw new HttpError(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            'POST /api/ingest takes multipart/form-data: the file as field "file", and optional ' +
              'fields layout, period, encoding, sheet, parent, thousands, level, dry_run, ' +
              'header_row, skip_rows, mapping, record_path',
          );
        }
        const asOf = today();
        if (principal.role === 'reporter') {
          scope = reporterScope(await fastify.warehouse.units(), principal, asOf).unit_id;
        }
        dir = mkdtempSync(join(tmpdir(), 'chitieu-upload-'));
        const upload = await receive(request, dir, receiveLimits(fastify.config, principal.role));
        const options = uploadOptions(
          upload,
          principal,
          await fastify.warehouse.units(),
          scope,
          asOf,
        );
        const done = await fastify.warehouse.write(async (db) => {
          const outcome = await ingestAndRefresh(db, upload.path, {
            dryRun: upload.fields.dry_run ?? false,
            ...options,
          });
          // the engine followed the data, as after `chitieu ingest`: this batch's months and any
          // refresh an earlier, interrupted upload still owed
          report = outcome.report;
          return report;
        });
        const r = asReported(done);
        const fault = r.status === 'rejected' ? rejectionFault(r.errors) : null;
        if (fault) {
          const answer = FAULT_ANSWER[fault];
          request.log.error(
            { file: r.file, problems: r.errors.filter((p) => p.row === null) },
            `ingest failed on the server's side (${fault}), not on the file`,
          );
          await fastify.audit(request, {
            action: 'ingest',
            status: answer.status,
            detail: { ...reportDetail(done, scope), error: answer.code },
          });
          if (answer.status === 503) reply.header('retry-after', String(OUT_OF_MEMORY_RETRY_S));
          return reply.code(answer.status).send({
            error: {
              code: answer.code,
              message: `${r.file}: nothing loaded; ${answer.message}`,
            },
          });
        }
        if (r.status !== 'rejected') {
          await fastify.audit(request, {
            action: 'ingest',
            status: 200,
            batch_id: r.batchId,
            detail: reportDetail(done, scope),
          });
          return reply.code(200).send(r);
        }
        const overLimit = r.errors.find((p) => p.row === null && LIMIT_RULES.has(p.rule));
        const outOfScope = r.errors.some((p) => p.rule === 'out_of_scope');
        const locked = r.errors.find((p) => p.rule === 'approved_period');
        const status = overLimit ? 413 : outOfScope ? 403 : 422;
        await fastify.audit(request, {
          action: 'ingest',
          status,
          detail: reportDetail(done, scope),
        });
        const nothing = (vi: string, en: string) =>
          `${r.file}: ${vi}; không tải gì / ${en}; nothing loaded`;
        const scopeName = scope
          ? ((await fastify.warehouse.units()).get(scope)?.full_name ?? scope)
          : '';
        return reply.code(status).send({
          ...r,
          error: overLimit
            ? {
                code: 'UPLOAD_TOO_LARGE',
                message: nothing(overLimit.vi ?? overLimit.message, overLimit.message),
              }
            : outOfScope
              ? {
                  code: 'OUT_OF_SCOPE',
                  message: nothing(
                    `có dòng của đơn vị ngoài ${scopeName}, phạm vi của tài khoản hoặc token này`,
                    `rows for units outside ${scopeName}, the scope of this account or token`,
                  ),
                }
              : locked
                ? {
                    code: 'PERIOD_APPROVED',
                    message: nothing(locked.vi ?? locked.message, locked.message),
                  }
                : {
                    code: 'INGEST_REJECTED',
                    message: nothing(`${r.errorCount} lỗi`, `${r.errorCount} error(s)`),
                  },
        });
      } catch (error) {
        if (!request.audited) {
          const { status, code } = thrownAnswer(error);
          const partial = report as IngestReport | null;
          await fastify.audit(request, {
            action: 'ingest',
            status,
            // a batch that loaded before the engine failed is still a batch
            batch_id: partial?.batchId ?? null,
            detail: {
              error: code,
              ...(partial ? reportDetail(partial, scope) : {}),
            },
          });
        }
        throw error;
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    },
  );
};

export default ingest;

/**
 * The ingest options of an upload, the same for POST /api/ingest and the upload page
 * (dashboards/pages/upload.ts): its form's fields (add a new one here, once), its name, who sends
 * it, the reporter's scope and the parent unit the form names. The file is read on a worker
 * thread, off the event loop.
 */
export function uploadOptions(
  upload: Upload,
  principal: Principal,
  units: UnitIndex,
  scopeUnitId: string | null,
  asOf: string,
): IngestOptions {
  const f = upload.fields;
  return {
    readInThread: true,
    layout: f.layout,
    period: f.period,
    encoding: f.encoding,
    sheet: f.sheet,
    // an office form's overrides (the CLI's --header-row …)
    headerRow: f.header_row,
    skipRows: f.skip_rows,
    mapping: f.mapping,
    recordPath: f.record_path,
    thousands: f.thousands,
    level: f.level,
    fileName: upload.name,
    loadedBy: loadedBy(principal),
    // a reporter may not revise an approved period; an admin's revision is flagged
    lockedRevisions: principal.role === 'reporter' ? 'refuse' : 'flag',
    ...(scopeUnitId ? { scopeUnitId } : {}),
    ...(f.parent ? { parentUnitId: findUnit(units, f.parent, asOf).unit_id } : {}),
  };
}
