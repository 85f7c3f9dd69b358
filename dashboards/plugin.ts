// The dashboards as a Fastify plugin: one GET route per page, rendered on the server from the same
// services as the API (so every number on a page is the number the API serves), cached per URL and
// data version like the API's responses, with HTML error pages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BusyError, HttpError } from '../api/errors.ts';
import { Gate } from '../api/plugins/limits.ts';
import { errorBody } from '../api/plugins/errors.ts';
import { today } from '../pipelines/normalize/calendar.ts';
import { periodEnd } from '../pipelines/normalize/periods.ts';
import { findUnit, LookupError, readPeriod } from '../pipelines/normalize/lookup.ts';
import { readLang, words } from './i18n/index.ts';
import { layout, href, type PageContext } from './layout.ts';
import { html } from './render/html.ts';
import { PAGES } from './pages/index.ts';
import { loadPack, packBody, packTitle } from './pages/pack.ts';
import { packData, saveReview } from './pack.ts';
import { htmlToPdf, BrowserMissingError } from './browser.ts';
import { errorText, pageScope } from './pages/common.ts';
import { principalOf, ROLE_ACCESS, tooManyFailures } from '../api/plugins/auth.ts';
import { approveAsked } from '../api/routes/approvals.ts';
import { projectFile } from '../pipelines/db/connect.ts';
import { requireForm, viewerOf } from '../api/plugins/session.ts';
import accountPages from './pages/login.ts';
import uploadPages from './pages/upload.ts';
import { statusFormRoutes } from './pages/status-form.ts';

const STATIC = projectFile('dashboards/static');
export const STYLESHEET = readFileSync(join(STATIC, 'style.css'), 'utf8');
const FAVICON = readFileSync(join(STATIC, 'favicon.svg'), 'utf8');
const HTML_TYPE = 'text/html; charset=utf-8';

export function pageContext(
  fastify: FastifyInstance,
  request: FastifyRequest,
  reply?: FastifyReply,
): PageContext {
  const query = Object.fromEntries(
    Object.entries((request.query ?? {}) as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
  const lang = readLang(query.lang);
  return {
    lang,
    w: words(lang),
    path: request.url.split('?')[0],
    query,
    meta: fastify.warehouse.meta,
    today: today(),
    viewer: reply ? viewerOf(request, reply) : null,
  };
}

function errorPage(ctx: PageContext, status: number, message: string, code?: string): string {
  const { w } = ctx;
  return layout(ctx, {
    title: status === 404 ? w.t('not_found') : w.t('error_title'),
    page: 'overview',
    body: html`${errorText(ctx, status, message, code)}
      <p><a href="${href(ctx, '/')}">${w.t('back_home')}</a></p>`,
  });
}

/** The pack as a standalone document (stylesheet inline) and the file name it is saved under. */
export function packDocument(ctx: PageContext, page: Awaited<ReturnType<typeof loadPack>>) {
  return {
    html: layout(ctx, {
      title: packTitle(ctx, page.data),
      page: 'pack',
      bodyClass: 'pack',
      inlineStyle: STYLESHEET,
      body: packBody(ctx, page, { forms: false }),
    }),
    fileName: `bao-cao-quy-${page.data.unit.unit_id.replace(/[^A-Za-z0-9-]/g, '_')}-${page.data.quarter}.pdf`,
  };
}

/**
 * Saves a unit's pack for a quarter as it is now, through the write queue. The form's text is
 * read here: the quarter, then the unit at the quarter's end.
 */
export async function reviewPack(
  fastify: FastifyInstance,
  unitText: string,
  quarterText: string,
  by: string,
) {
  const units = await fastify.warehouse.units();
  const quarter = readPeriod(quarterText);
  const unit = findUnit(units, unitText, periodEnd(quarter));
  const version = fastify.warehouse.meta.version;
  return fastify.warehouse.write(async (db) =>
    saveReview(db, await packData(db, units, unit, quarter), by, version),
  );
}

export interface DashboardsOptions {
  /** prints a standalone HTML document to PDF; Chromium unless a test gives a fake */
  printer?: (documentHtml: string) => Promise<Buffer>;
}

export default async function dashboards(
  fastify: FastifyInstance,
  options: DashboardsOptions = {},
) {
  // Pages answer in HTML, in the reader's language: the caller's mistakes with their message,
  // anything else with no detail (logged). Set first: a route takes the handler in force when it
  // is built, and an awaited register below builds the routes registered before it.
  fastify.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const ctx = pageContext(fastify, request);
    let status = 500;
    let message = ctx.w.t('error_title');
    let code: string | undefined;
    if (error instanceof HttpError)
      [status, message, code] = [error.statusCode, error.message, error.code];
    else if (error instanceof LookupError)
      [status, message, code] = [
        error.code === 'UNKNOWN_UNIT' ? 404 : 400,
        error.message,
        error.code,
      ];
    else if (error.statusCode && error.statusCode < 500)
      [status, message] = [error.statusCode, error.message];
    else request.log.error({ err: error }, 'page failed');
    if (error instanceof HttpError && error.retryAfter !== undefined) {
      reply.header('retry-after', String(error.retryAfter));
    }
    return reply
      .code(status)
      .header('content-type', HTML_TYPE)
      .send(errorPage(ctx, status, message, code));
  });
  const printer = options.printer ?? ((documentHtml: string) => htmlToPdf(documentHtml));
  // each print is a Chromium of its own (~150MB, a core): a few at once, a few waiting, then 503
  const printing = new Gate({
    concurrency: fastify.config.pdfConcurrency,
    queue: fastify.config.pdfQueue,
    maxWaitMs: 60_000,
    retryAfter: 15,
    code: 'PRINT_BUSY',
    en: 'the server is busy printing other packs',
    vi: 'máy chủ đang bận in các báo cáo khác',
  });

  // the tab icon: a browser asks for /favicon.ico on every site (a 404 there is a console error)
  for (const path of ['/favicon.ico', '/static/favicon.svg']) {
    fastify.get(path, { config: { access: 'public' }, schema: { hide: true } }, async (_r, reply) =>
      reply
        .header('content-type', 'image/svg+xml')
        .header('cache-control', 'public, max-age=86400')
        .send(FAVICON),
    );
  }
  fastify.get('/static/style.css', { config: { access: 'public' } }, async (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(STYLESHEET),
  );

  for (const page of PAGES) {
    fastify.get(page.route, { schema: { hide: true } }, async (request, reply: FastifyReply) => {
      const ctx = pageContext(fastify, request, reply);
      const units = await fastify.warehouse.units();
      const render = () =>
        fastify.warehouse.read((db) =>
          page.render(ctx, {
            db,
            units,
            params: (request.params ?? {}) as Record<string, string>,
            spread: fastify.warehouse.spread,
          }),
        );
      // a signed-in reader's page holds their name and CSRF token: made for them, kept by nobody
      if (ctx.viewer) {
        return reply
          .header('cache-control', 'private, no-store')
          .header('content-type', HTML_TYPE)
          .send(await render());
      }
      return fastify.responses.send(request, reply, render, HTML_TYPE);
    });
  }

  // The pack as a PDF: the same document with its stylesheet inline, printed by Chromium.
  fastify.get('/pack.pdf', { schema: { hide: true } }, async (request, reply) => {
    const ctx = pageContext(fastify, request);
    const units = await fastify.warehouse.units();
    const document = await fastify.warehouse.read(async (db) => {
      const { unit, quarter } = await pageScope(db, ctx, ctx.query.unit ?? 'VN', units);
      return packDocument(ctx, await loadPack(db, units, unit, quarter, ctx.query.current === '1'));
    });
    // printed once per URL and data version: Chromium is the costliest thing the server runs
    reply.header('content-disposition', `attachment; filename="${document.fileName}"`);
    try {
      return await fastify.responses.send(
        request,
        reply,
        async () => {
          try {
            return await printing.run(() => printer(document.html));
          } catch (error) {
            if (error instanceof BrowserMissingError) {
              throw new HttpError(503, 'NO_BROWSER', error.message);
            }
            throw error;
          }
        },
        'application/pdf',
      );
    } catch (error) {
      if (!(error instanceof BusyError)) throw error;
      // whoever asked for a file gets JSON they can read, in the page's language, not a PDF name
      reply.removeHeader('content-disposition');
      reply.removeHeader('etag');
      return reply
        .code(503)
        .header('retry-after', String(error.retryAfter))
        .header('cache-control', 'no-store')
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorBody(error.code, ctx.lang === 'en' ? error.message : error.vi));
    }
  });

  // "Save as reviewed" from the pack page: a plain form carrying an admin token (a browser form
  // cannot send a bearer header); audited like every write. A token that is no token counts as a
  // failed authentication, as a bad bearer token does (the same count per address, then 429).
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  await accountPages(fastify);
  // encapsulated: its own multipart parser and HTML error handler
  await fastify.register(uploadPages);
  await statusFormRoutes(fastify);
  // Saving the pack as reviewed: a signed-in admin's form (session and CSRF, requireForm); a
  // `token` field is still taken from scripts written before accounts, limited like every token
  fastify.post(
    '/pack/review',
    {
      schema: { hide: true },
      config: { form: true, action: 'pack.review' },
      preHandler: async function (request, reply) {
        const form = (request.body ?? {}) as Record<string, string>;
        if (form.token === undefined) return requireForm('admin').call(this, request, reply);
      },
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, string>;
      let by: string;
      if (form.token === undefined) {
        by = `user:${request.principal!.label}`;
      } else {
        const token = fastify.tokens.verify(form.token);
        if (!token) {
          const wait = await fastify.failedAuthentication(request);
          if (wait !== null) throw tooManyFailures(wait);
        }
        if (!token || !ROLE_ACCESS[token.role].includes('admin')) {
          await fastify.audit(request, {
            action: 'pack.review',
            status: 403,
            detail: { unit: form.unit, period: form.period },
          });
          throw new HttpError(403, 'FORBIDDEN', 'saving a pack as reviewed needs an admin token');
        }
        request.principal = principalOf(token);
        by = `token:${token.id} (${token.label})`;
      }
      const review = await reviewPack(fastify, form.unit ?? 'VN', form.period ?? '', by);
      await fastify.audit(request, {
        action: 'pack.review',
        status: 303,
        detail: { review_id: review.review_id, unit: review.unit_id, quarter: review.quarter },
      });
      return reply.redirect(
        href({ lang: form.lang === 'en' ? 'en' : 'vi' }, '/pack', {
          unit: review.unit_id,
          period: review.quarter,
        }),
        303,
      );
    },
  );

  // Approving the quarter's figures from the pack: the rule and the record of POST /api/approvals
  // (an admin anywhere, a province's planner for its province), for a signed-in account
  fastify.post(
    '/pack/approve',
    {
      schema: { hide: true },
      config: { access: 'plan', form: true, action: 'approval' },
      preHandler: requireForm('plan'),
    },
    async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, string>;
      const lang = form.lang === 'en' ? 'en' : 'vi';
      const index = await fastify.warehouse.units();
      const quarter = readPeriod(form.period ?? '');
      const unit = findUnit(index, form.unit ?? 'VN', periodEnd(quarter));
      const { approval } = await approveAsked(fastify, request, unit, quarter, null, lang);
      return reply.redirect(
        href({ lang }, '/pack', { unit: unit.unit_id, period: approval.period }),
        303,
      );
    },
  );
}
