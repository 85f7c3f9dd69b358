// POST /api/ingest: an uploaded file through the same pipeline, report and engine refresh as
// `chitieu ingest`, as one write on the warehouse's queue. The upload is streamed to a temporary
// file (never held whole in memory) that is removed whatever happens; every outcome is audited.
// A hostile form is refused cheaply: a boundary missing or longer than RFC 2046's 70 characters
// before the body is read, a body cut short or malformed as 400, lines past the role's limit
// counted as they arrive (413, the rest never read); a killed server's temp folders go at start.
import { createWriteStream, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IngestOptions, IngestReport } from '../../pipelines/load/ingest.ts';
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

export interface Upload {
  path: string;
  /** the name the client gave, without any folder */
  name: string;
  fields: IngestFields;
  /** the page form's own fields (the upload page), absent from the API's */
  form: { _csrf?: string; lang?: string };
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

const UPLOAD_PREFIX = 'chitieu-upload-';
/** an upload in flight is minutes old at most; a folder older than this was left by a kill */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

/**
 * Removes upload folders a killed server left in `dir` (only ours: the prefix, a real folder, not
 * a link), older than `olderThanMs`. Returns the names removed.
 */
export function sweepStaleUploads(
  dir: string = tmpdir(),
  olderThanMs: number = STALE_UPLOAD_MS,
  now: number = Date.now(),
): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed; // no temp folder to read: nothing of ours in it either
  }
  for (const name of names) {
    if (!name.startsWith(UPLOAD_PREFIX)) continue;
    const path = join(dir, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isDirectory() || now - stat.mtimeMs < olderThanMs) continue;
      rmSync(path, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // gone meanwhile, or another user's: not ours to report
    }
  }
  return removed;
}

/** RFC 2046: a boundary is 1 to 70 characters. */
const MAX_BOUNDARY = 70;

/** Why a multipart content type cannot be read, or null when its boundary is fine. */
export function boundaryProblem(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = /;\s*boundary=(?:"([^"]*)"|([^\s;]*))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2] ?? '') : '';
  if (boundary === '')
    return 'thiếu boundary trong Content-Type / multipart Content-Type has no boundary';
  if (boundary.length > MAX_BOUNDARY)
    return `boundary dài ${boundary.length} ký tự, tối đa ${MAX_BOUNDARY} / multipart boundary is ${boundary.length} characters, over RFC 2046's ${MAX_BOUNDARY}`;
  return null;
}

const malformed = (detail: string) =>
  badRequest(
    'MULTIPART_MALFORMED',
    `biểu mẫu multipart không hợp lệ / malformed multipart form: ${detail}`,
  );

/** A client's broken form, as opposed to the server failing to write the file (a server fault). */
function receiveError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  const e = error as Partial<FastifyError> & { syscall?: string };
  if (e.syscall) return error; // ENOSPC, EACCES, …: the server's own disk
  if (e.statusCode === 413) return error; // multipart's own limits (parts, files, fields)
  return malformed(String(e.message ?? error));
}

/** Whether an upload is delimited text whose lines are its rows (not a workbook or JSON). */
const countsLines = (ext: string, first: Buffer) =>
  !['.xlsx', '.xlsm', '.xls', '.json'].includes(ext) &&
  !first.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) &&
  !first.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));

/**
 * Passes the file through, counting line feeds; past `maxRows` data lines (the header is one more)
 * it fails with 413, so a 5 M-row file costs what is read up to the limit and nothing is loaded.
 */
function rowCounter(name: string, ext: string, maxRows: number, setting: string): Transform {
  let lines = 0;
  let counting: boolean | null = null;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counting ??= countsLines(ext, chunk);
      if (counting) {
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
        // the header line, and a last line without its line feed
        if (lines > maxRows + 1) {
          done(
            new HttpError(
              413,
              'UPLOAD_TOO_MANY_ROWS',
              `${name}: quá ${maxRows.toLocaleString('en-US')} dòng mỗi lần tải lên / more than ${maxRows.toLocaleString('en-US')} rows in one upload (${setting}): split the file`,
            ),
          );
          return;
        }
      }
      done(null, chunk);
    },
  });
}

export interface ReceiveLimits {
  /** bytes of the file */
  size: number;
  maxRows: number;
  rowSetting: string;
  /** ms the body may stall */
  idleMs: number;
}

/** Reads the form: the file to `dir` as it arrives, the text fields validated. */
export async function receive(
  request: FastifyRequest,
  dir: string,
  limits: ReceiveLimits,
): Promise<Upload> {
  let file: { path: string; name: string } | null = null;
  const texts: Record<string, string> = {};
  // Fastify sets no request timeout: a client that stops sending mid-body would hold the
  // connection and its temp file until it disconnects. Cutting the socket makes the parser fail
  // (400 below, to nobody) and the handler's finally remove the folder.
  // (app.inject's request has no socket to time out)
  const timed = typeof request.raw.setTimeout === 'function';
  if (timed)
    request.raw.setTimeout(limits.idleMs, () =>
      request.raw.destroy(new Error(`no data for ${limits.idleMs} ms (CHITIEU_UPLOAD_IDLE_MS)`)),
    );
  try {
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
        await pipeline(
          part.file,
          rowCounter(name, ext, limits.maxRows, limits.rowSetting),
          createWriteStream(path),
        );
        if (part.file.truncated) {
          throw new HttpError(
            413,
            'PAYLOAD_TOO_LARGE',
            `${name} is larger than the upload limit of ${limits.size} bytes`,
          );
        }
        file = { path, name };
      } else {
        if (part.valueTruncated)
          throw badRequest('INVALID_REQUEST', `field ${part.fieldname} is too long`);
        // an empty field of a browser's form is a field not given
        if (String(part.value).trim() !== '') texts[part.fieldname] = String(part.value);
      }
    }
  } catch (error) {
    throw receiveError(error);
  } finally {
    if (timed) request.raw.setTimeout(0); // the body is read: the ingest may take its time
  }
  if (!file) throw badRequest('INVALID_REQUEST', 'no file: send the figures as form field "file"');
  // a page's form also sends its CSRF token and language: the session's, not the ingest's
  const { _csrf, lang, ...given } = texts;
  const parsed = ingestFields.safeParse(given);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    throw badRequest('INVALID_REQUEST', `invalid form fields: ${detail}`);
  }
  if (parsed.data.sheet !== undefined && extname(file.name).toLowerCase() !== '.xlsx') {
    throw badRequest('INVALID_REQUEST', 'sheet applies to .xlsx workbooks only');
  }
  return { ...file, fields: parsed.data, form: { _csrf, lang } };
}

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
        const upload = await receive(request, dir, {
          size: limit,
          idleMs: fastify.config.uploadIdleMs,
          ...(principal.role === 'reporter'
            ? {
                maxRows: fastify.config.reporterUploadMaxRows,
                rowSetting: 'CHITIEU_REPORTER_UPLOAD_MAX_ROWS',
              }
            : { maxRows: fastify.config.uploadMaxRows, rowSetting: 'CHITIEU_UPLOAD_MAX_ROWS' }),
        });
        const parentUnitId = upload.fields.parent
          ? findUnit(await fastify.warehouse.units(), upload.fields.parent, asOf).unit_id
          : undefined;
        const done = await fastify.warehouse.write(async (db) => {
          const outcome = await ingestAndRefresh(db, upload.path, {
            dryRun: upload.fields.dry_run ?? false,
            ...fieldOptions(upload.fields),
            fileName: upload.name,
            loadedBy: loadedBy(principal),
            // a reporter may not revise an approved period; an admin's revision is flagged
            lockedRevisions: principal.role === 'reporter' ? 'refuse' : 'flag',
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
        const overLimit = r.errors.find((p) => p.row === null && LIMIT_RULES.has(p.rule));
        const outOfScope = r.errors.some((p) => p.rule === 'out_of_scope');
        const locked = r.errors.find((p) => p.rule === 'approved_period');
        const status = overLimit ? 413 : outOfScope ? 403 : 422;
        await fastify.audit(request, {
          action: 'ingest',
          status,
          detail: reportDetail(done, scope),
        });
        return reply.code(status).send({
          ...r,
          error: overLimit
            ? {
                code: 'UPLOAD_TOO_LARGE',
                message: `${r.file}: ${overLimit.message}; nothing loaded`,
              }
            : outOfScope
              ? {
                  code: 'OUT_OF_SCOPE',
                  message: `${r.file}: rows for units outside ${scope} (this token's scope); nothing loaded`,
                }
              : locked
                ? {
                    code: 'PERIOD_APPROVED',
                    message: `${r.file}: ${locked.message}; nothing loaded`,
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

/** An office form's overrides from the upload's fields (the CLI's --header-row …). */
const formFields = (fields: IngestFields) => ({
  headerRow: fields.header_row,
  skipRows: fields.skip_rows,
  mapping: fields.mapping,
  recordPath: fields.record_path,
});

/**
 * The ingest options a form's fields ask for, the same for POST /api/ingest and the upload page
 * (dashboards/pages/upload.ts): add a new field here, once.
 */
export const fieldOptions = (f: IngestFields): IngestOptions => ({
  layout: f.layout,
  period: f.period,
  encoding: f.encoding,
  sheet: f.sheet,
  ...formFields(f),
  thousands: f.thousands,
  level: f.level,
});
