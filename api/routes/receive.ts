// Receiving an upload: the multipart form read as it arrives, the file streamed to a temporary
// folder (never held whole in memory), its text fields validated; the same for POST /api/ingest
// and the upload page. A hostile form is refused cheaply: a boundary missing or longer than RFC
// 2046's 70 characters before the body is read, a body cut short or malformed as 400, lines past
// the role's limit counted as they arrive (413, the rest never read); a killed server's temp
// folders go at start (sweepStaleUploads).
import { createWriteStream, lstatSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyError, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config.ts';
import { badRequest, HttpError } from '../errors.ts';
import type { Role } from '../tokens.ts';
import { ingestFields, type IngestFields } from '../schemas/ingest.ts';

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

export const malformed = (detail: string) =>
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

/** The limits an upload is received under: a reporter's rows are fewer than an admin's. */
export const receiveLimits = (config: ServerConfig, role: Role): ReceiveLimits => ({
  size: config.bodyLimit,
  idleMs: config.uploadIdleMs,
  ...(role === 'reporter'
    ? { maxRows: config.reporterUploadMaxRows, rowSetting: 'CHITIEU_REPORTER_UPLOAD_MAX_ROWS' }
    : { maxRows: config.uploadMaxRows, rowSetting: 'CHITIEU_UPLOAD_MAX_ROWS' }),
});
