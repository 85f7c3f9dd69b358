// The upload pages for signed-in reporters and admins (issue 14): /upload (a plain multipart form
// and the template download), POST /upload/preview (the file's dry run: the same ingest as
// `chitieu ingest --dry-run`, kept as a preview), POST /upload/confirm (loads exactly the previewed
// file with the previewed options, then the engine's refresh), /upload/mine (the history: one's
// own previews and uploads; an admin sees everyone's). Forms carry the session's CSRF token
// (api/plugins/session.ts); a reporter loads only its own subtree (refused whole otherwise, as the
// API refuses a token); every preview and upload is audited under the login, and the batch
// records it (`user:<login>`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../../api/errors.ts';
import { reporterScope, ROLE_ACCESS, type Principal } from '../../api/plugins/auth.ts';
import {
  csrfField,
  csrfValid,
  FORM_WORDS,
  loginHref,
  requireForm,
  sessionPrincipal,
  signedIn,
} from '../../api/plugins/session.ts';
import { reportDetail, uploadOptions } from '../../api/routes/ingest.ts';
import { receive, receiveLimits } from '../../api/routes/receive.ts';
import {
  fileSha256,
  PREVIEW_PREFIX,
  PreviewStore,
  type Preview,
} from '../../api/routes/upload-store.ts';
import { ingestAndRefresh } from '../../indicators/ingest.ts';
import { lastFullMonth, today } from '../../pipelines/normalize/calendar.ts';
import { LookupError } from '../../pipelines/normalize/lookup.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import { pageContext } from '../plugin.ts';
import { layout, href } from '../layout.ts';
import { html } from '../render/html.ts';
import {
  historyPage,
  previewPage,
  receiptPage,
  uploadForm,
  type UploadEntry,
} from './upload-view.ts';

const HTML = 'text/html; charset=utf-8';

const send = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).header('content-type', HTML).header('cache-control', 'no-store').send(body);

/** The signed-in uploader, or null when the reply already sends the visitor to sign in. */
function uploader(request: FastifyRequest, reply: FastifyReply): Principal | null {
  const s = signedIn(request);
  if (!s) {
    reply.redirect(loginHref(request), 303);
    return null;
  }
  if (s.must_change) {
    reply.redirect('/login/password', 303);
    return null;
  }
  if (!ROLE_ACCESS[s.role].includes('ingest')) {
    const lang = pageContext(request.server, request).lang;
    throw new HttpError(403, 'FORBIDDEN', FORM_WORDS.role[lang].replace('{role}', s.role));
  }
  return sessionPrincipal(s);
}

export default async function uploadPages(fastify: FastifyInstance) {
  const limit = fastify.config.bodyLimit;
  // this plugin's own: only its routes read multipart bodies
  await fastify.register(multipart, {
    limits: { fileSize: limit, files: 1, fields: 12, fieldSize: 1024, parts: 13 },
  });
  const store = new PreviewStore();
  const sweeping = setInterval(() => store.sweep(), 5 * 60_000);
  sweeping.unref();
  fastify.addHook('onClose', async () => {
    clearInterval(sweeping);
    store.clear();
  });

  /** A reporter's unit (everything under it is its scope); null for an admin. */
  const scopeOf = async (principal: Principal): Promise<Unit | null> =>
    principal.role === 'reporter'
      ? reporterScope(await fastify.warehouse.units(), principal, today())
      : null;

  // answers in HTML, in the page's language (the API's handler answers JSON)
  fastify.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const ctx = pageContext(fastify, request);
    let status = 500;
    let message = ctx.w.t('error_title');
    if (error instanceof HttpError) [status, message] = [error.statusCode, error.message];
    else if (error instanceof LookupError) [status, message] = [400, error.message];
    else if (error.statusCode && error.statusCode < 500)
      [status, message] = [error.statusCode, error.message];
    else request.log.error({ err: error }, 'upload page failed');
    const body = html` <p role="alert">${message}</p>
      <p><a href="${href(ctx, '/upload')}">${ctx.w.t('upload_again')}</a></p>`;
    return send(
      reply,
      status,
      layout(ctx, { title: ctx.w.t('error_title'), page: 'reporting', body }),
    );
  });

  fastify.get(
    '/upload',
    { config: { access: 'read', form: true }, schema: { hide: true } },
    async (request, reply) => {
      const principal = uploader(request, reply);
      if (!principal) return reply;
      const ctx = pageContext(fastify, request, reply);
      const scope = await scopeOf(principal);
      const csrf = csrfField(request, reply);
      return send(reply, 200, uploadForm(ctx, { csrf, scope, period: lastFullMonth(ctx.today) }));
    },
  );

  fastify.post(
    '/upload/preview',
    { config: { access: 'ingest', form: true, action: 'upload.preview' }, schema: { hide: true } },
    async (request, reply) => {
      const principal = uploader(request, reply);
      if (!principal) return reply;
      if (!request.isMultipart()) {
        throw new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          'the upload form is multipart/form-data',
        );
      }
      const scope = await scopeOf(principal);
      const dir = mkdtempSync(join(tmpdir(), PREVIEW_PREFIX));
      let kept = false;
      try {
        const upload = await receive(request, dir, receiveLimits(fastify.config, principal.role));
        // the token travelled inside the multipart body: checked now that the body is read
        request.body = upload.form;
        const ctx = pageContext(fastify, request, reply);
        if (!csrfValid(fastify, request)) {
          throw new HttpError(403, 'CSRF_INVALID', FORM_WORDS.csrf[ctx.lang]);
        }
        request.principal = principal;
        const options = uploadOptions(
          upload,
          principal,
          await fastify.warehouse.units(),
          scope?.unit_id ?? null,
          today(),
        );
        const { report } = await fastify.warehouse.write((db) =>
          ingestAndRefresh(db, upload.path, { ...options, dryRun: true }),
        );
        await fastify.audit(request, {
          action: 'upload.preview',
          status: 200,
          detail: reportDetail(report, scope?.unit_id ?? null),
        });
        let confirm: { id: string; csrf: string } | null = null;
        if (report.status === 'dry_run' && report.rowsNew + report.rowsRevised > 0) {
          const preview = store.add({
            dir,
            path: upload.path,
            name: upload.name,
            sha256: report.sha256,
            owner: principal.token_id,
            options,
            report,
          });
          kept = true;
          confirm = { id: preview.id, csrf: csrfField(request, reply) };
        }
        return send(reply, 200, previewPage(ctx, report, { scope, confirm }));
      } finally {
        if (!kept) rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  fastify.post(
    '/upload/confirm',
    {
      config: { access: 'ingest', form: true, action: 'upload.confirm' },
      schema: { hide: true },
      preHandler: requireForm('ingest'),
    },
    async (request, reply) => {
      const principal = request.principal!;
      const ctx = pageContext(fastify, request, reply);
      const form = (request.body ?? {}) as Record<string, string>;
      const preview = store.take(String(form.id ?? ''), principal.token_id);
      if (!preview) {
        await fastify.audit(request, { action: 'upload.confirm', status: 410 });
        throw new HttpError(410, 'PREVIEW_GONE', ctx.w.t('upload_expired'));
      }
      try {
        return await confirm(request, reply, preview);
      } finally {
        store.discard(preview);
      }
    },
  );

  async function confirm(request: FastifyRequest, reply: FastifyReply, preview: Preview) {
    const ctx = pageContext(fastify, request, reply);
    if ((await fileSha256(preview.path)) !== preview.sha256) {
      await fastify.audit(request, { action: 'upload.confirm', status: 409 });
      throw new HttpError(409, 'PREVIEW_CHANGED', ctx.w.t('upload_changed'));
    }
    const outcome = await fastify.warehouse.write((db) =>
      ingestAndRefresh(db, preview.path, { ...preview.options, dryRun: false }),
    );
    const r = outcome.report;
    await fastify.audit(request, {
      action: 'upload.confirm',
      status: r.status === 'rejected' ? 422 : 200,
      batch_id: r.batchId,
      detail: reportDetail(r, preview.options.scopeUnitId ?? null),
    });
    const units = await fastify.warehouse.units();
    const unitId = preview.options.scopeUnitId ?? preview.options.parentUnitId;
    const unit = unitId ? (units.get(unitId) ?? null) : null;
    return send(
      reply,
      r.status === 'rejected' ? 422 : 200,
      receiptPage(ctx, r, { refreshed: outcome.computed !== null && r.batchId !== null, unit }),
    );
  }

  fastify.get(
    '/upload/mine',
    { config: { access: 'read', form: true }, schema: { hide: true } },
    async (request, reply) => {
      const principal = uploader(request, reply);
      if (!principal) return reply;
      const ctx = pageContext(fastify, request, reply);
      const everyone = principal.role === 'admin';
      const entries = await fastify.warehouse.read((db) =>
        db.all<UploadEntry>(
          `select strftime("at", '%Y-%m-%dT%H:%M:%S') as "at", label as who, action, status,
             batch_id, json_extract_string(detail, '$.file') as file,
             json_extract_string(detail, '$.outcome') as outcome
           from core.audit
           where action in ('upload.preview', 'upload.confirm', 'ingest')
             and ($everyone or token_id = $who)
           order by "at" desc limit 500`,
          { everyone, who: principal.token_id },
        ),
      );
      return send(reply, 200, historyPage(ctx, entries, everyone));
    },
  );
}
