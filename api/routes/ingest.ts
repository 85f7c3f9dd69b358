// POST /api/ingest: an uploaded file through the same pipeline, report and engine refresh as
// `chitieu ingest`, as one write on the warehouse's queue. The upload is streamed to a temporary
// file (never held whole in memory) that is removed whatever happens; every outcome is audited.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IngestReport } from '../../pipelines/load/ingest.ts';
import { ingestAndRefresh } from '../../indicators/ingest.ts';
import {
  badRequest,
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
  ingestFields,
  ingestRefusalSchema,
  ingestReportSchema,
  type IngestFields,
} from '../schemas/ingest.ts';

interface Upload {
  path: string;
  /** the name the client gave, without any folder */
  name: string;
  fields: IngestFields;
}

/** The client's file name as recorded: its last path segment, printable, at most 200 chars. */
function uploadName(given: string | undefined): string {
  const name = (given ?? '')
    .split(/[/\\]/)
    .pop()!
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return name || 'upload';
}

/** Reads the form: the file to `dir` as it arrives, the text fields validated. */
async function receive(request: FastifyRequest, dir: string, limit: number): Promise<Upload> {
  let file: { path: string; name: string } | null = null;
  const texts: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') {
        throw badRequest(
          'INVALID_REQUEST',
          `unexpected file field "${part.fieldname}": send the figures as field "file"`,
        );
      }
      const name = uploadName(part.filename);
      const ext = extname(name).toLowerCase();
      const path = join(dir, `upload${/^\.[a-z0-9]{1,8}$/.test(ext) ? ext : ''}`);
      await pipeline(part.file, createWriteStream(path));
      if (part.file.truncated) {
        throw new HttpError(
          413,
          'PAYLOAD_TOO_LARGE',
          `${name} is larger than the upload limit of ${limit} bytes`,
        );
      }
      file = { path, name };
    } else {
      if (part.valueTruncated)
        throw badRequest('INVALID_REQUEST', `field ${part.fieldname} is too long`);
      texts[part.fieldname] = String(part.value);
    }
  }
  if (!file) throw badRequest('INVALID_REQUEST', 'no file: send the figures as form field "file"');
  const parsed = ingestFields.safeParse(texts);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    throw badRequest('INVALID_REQUEST', `invalid form fields: ${detail}`);
  }
  if (parsed.data.sheet !== undefined && extname(file.name).toLowerCase() !== '.xlsx') {
    throw badRequest('INVALID_REQUEST', 'sheet applies to .xlsx workbooks only');
  }
  return { ...file, fields: parsed.data };
}

/** What the audit keeps of a report: enough to find the file and see what it did. */
const reportDetail = (r: IngestReport, scope: string | null) => ({
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

const loadedBy = (p: Principal) => `token:${p.token_id} (${p.label})`;

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
    limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 1024, parts: 11 },
  });

  fastify.post(
    '/api/ingest',
    {
      config: { access: 'ingest', action: 'ingest' },
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
          413: errorSchema,
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
              'fields layout, period, encoding, sheet, parent, dry_run',
          );
        }
        const asOf = today();
        if (principal.role === 'reporter') {
          scope = reporterScope(await fastify.warehouse.units(), principal, asOf).unit_id;
        }
        dir = mkdtempSync(join(tmpdir(), 'chitieu-upload-'));
        const upload = await receive(request, dir, limit);
        const parentUnitId = upload.fields.parent
          ? findUnit(await fastify.warehouse.units(), upload.fields.parent, asOf).unit_id
          : undefined;
        const done = await fastify.warehouse.write(async (db) => {
          const outcome = await ingestAndRefresh(db, upload.path, {
            dryRun: upload.fields.dry_run ?? false,
            layout: upload.fields.layout,
            period: upload.fields.period,
            encoding: upload.fields.encoding,
            sheet: upload.fields.sheet,
            fileName: upload.name,
            loadedBy: loadedBy(principal),
            ...(scope ? { scopeUnitId: scope } : {}),
            ...(parentUnitId ? { parentUnitId } : {}),
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
        const outOfScope = r.errors.some((p) => p.rule === 'out_of_scope');
        const status = outOfScope ? 403 : 422;
        await fastify.audit(request, {
          action: 'ingest',
          status,
          detail: reportDetail(done, scope),
        });
        return reply.code(status).send({
          ...r,
          error: outOfScope
            ? {
                code: 'OUT_OF_SCOPE',
                message: `${r.file}: rows for units outside ${scope} (this token's scope); nothing loaded`,
              }
            : {
                code: 'INGEST_REJECTED',
                message: `${r.file}: ${r.errorCount} error(s); nothing loaded`,
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
