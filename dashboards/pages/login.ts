// The sign-in pages: GET/POST /login (fields `login`, `password`), POST /logout, GET/POST
// /login/password (a one-time password is changed here before anything else). Plain forms, no
// script, each with its CSRF token — the sign-in form's from a pre-session, so a login cannot be
// forced on a visitor from another site either. Nothing here is cached: every answer is one
// visitor's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findAccount, passwordProblem, setPassword, verifyPassword } from '../../api/accounts.ts';
import {
  csrfField,
  csrfValid,
  safeNext,
  sessionPrincipal,
  signedIn,
} from '../../api/plugins/session.ts';
import { html, raw, type Html } from '../render/html.ts';
import { href, layout, type PageContext } from '../layout.ts';
import { pageContext } from '../plugin.ts';
import { words } from '../i18n/index.ts';

type Form = Record<string, string | undefined>;

const formOf = (request: FastifyRequest): Form => (request.body ?? {}) as Form;
const nextOf = (value: unknown): string => (safeNext(value) ? value : '/');

function send(reply: FastifyReply, ctx: PageContext, status: number, title: string, body: Html) {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('content-type', 'text/html; charset=utf-8')
    .send(layout(ctx, { title, page: 'account', body }));
}

const alert = (text: string | null) => (text ? html`<p role="alert">${text}</p>` : html``);

function signInForm(
  ctx: PageContext,
  request: FastifyRequest,
  reply: FastifyReply,
  next: string,
  login: string,
  message: string | null,
): Html {
  const { w } = ctx;
  return html`${alert(message)}
    <form class="signin" method="post" action="/login">
      ${raw(csrfField(request, reply))}
      <input type="hidden" name="next" value="${next}" />
      <input type="hidden" name="lang" value="${ctx.lang}" />
      <p>
        <label for="login">${w.t('signin_login')}</label>
        <input id="login" name="login" autocomplete="username" required value="${login}" />
      </p>
      <p>
        <label for="password">${w.t('signin_password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
      </p>
      <p><button type="submit">${w.t('signin_submit')}</button></p>
    </form>`;
}

function passwordForm(
  ctx: PageContext,
  request: FastifyRequest,
  reply: FastifyReply,
  next: string,
  message: string | null,
): Html {
  const { w } = ctx;
  const field = (name: string, key: Parameters<typeof w.t>[0], auto: string) =>
    html`<p>
      <label for="${name}">${w.t(key)}</label>
      <input id="${name}" name="${name}" type="password" autocomplete="${auto}" required />
    </p>`;
  return html`<p>${w.t('password_intro')}</p>
    ${alert(message)}
    <form class="signin" method="post" action="/login/password">
      ${raw(csrfField(request, reply))}
      <input type="hidden" name="next" value="${next}" />
      <input type="hidden" name="lang" value="${ctx.lang}" />
      ${field('current', 'password_current', 'current-password')}
      ${field('password', 'password_new', 'new-password')}
      ${field('confirm', 'password_confirm', 'new-password')}
      <p><button type="submit">${w.t('password_submit')}</button></p>
    </form>`;
}

/** The page context of a form POST: the language from the form as well as the query. */
function formContext(fastify: FastifyInstance, request: FastifyRequest): PageContext {
  const ctx = pageContext(fastify, request);
  if (formOf(request).lang !== 'en') return ctx;
  return { ...ctx, lang: 'en', w: words('en'), query: { ...ctx.query, lang: 'en' } };
}

export default async function accountPages(fastify: FastifyInstance) {
  const open = { schema: { hide: true }, config: { access: 'public' as const } };

  fastify.get('/login', open, async (request, reply) => {
    const ctx = pageContext(fastify, request, reply);
    const next = nextOf(ctx.query.next);
    const { w } = ctx;
    if (ctx.viewer) {
      return send(
        reply,
        ctx,
        200,
        w.t('signin_title'),
        html`<p>${w.t('signin_done', { login: ctx.viewer.login })}</p>
          <p><a href="${next}">${next}</a></p>`,
      );
    }
    return send(
      reply,
      ctx,
      200,
      w.t('signin_title'),
      signInForm(ctx, request, reply, next, '', null),
    );
  });

  fastify.post('/login', open, async (request, reply) => {
    const ctx = formContext(fastify, request);
    const { w } = ctx;
    const form = formOf(request);
    const next = nextOf(form.next);
    const login = (form.login ?? '').trim();
    const again = (status: number, message: string) =>
      send(
        reply,
        ctx,
        status,
        w.t('signin_title'),
        signInForm(ctx, request, reply, next, login, message),
      );
    // a post without the token of this browser's pre-session: another site's, or an old form
    if (!csrfValid(fastify, request)) return again(403, w.t('signin_expired'));
    const result = await fastify.signIn(request, reply, login, form.password ?? '');
    if (!result.ok) {
      if (result.status === 429) {
        reply.header('retry-after', String(result.wait));
        return again(429, w.t('signin_locked', { wait: result.wait }));
      }
      return again(401, w.t('signin_failed'));
    }
    const to = result.session.must_change
      ? href(ctx, '/login/password', { next: next === '/' ? null : next })
      : next;
    return reply.header('cache-control', 'no-store').redirect(to, 303);
  });

  // a typed or bookmarked /logout: the same button, since signing out is a POST with its token
  fastify.get('/logout', open, async (request, reply) => {
    const ctx = pageContext(fastify, request, reply);
    if (!ctx.viewer) return reply.redirect(href(ctx, '/'), 303);
    return send(
      reply,
      ctx,
      200,
      ctx.w.t('signout_submit'),
      html`<p>${ctx.w.t('signin_done', { login: ctx.viewer.login })}</p>
        <form method="post" action="/logout">
          ${raw(ctx.viewer.csrfField)}<input type="hidden" name="lang" value="${ctx.lang}" />
          <button type="submit">${ctx.w.t('signout_submit')}</button>
        </form>`,
    );
  });

  fastify.post('/logout', open, async (request, reply) => {
    const ctx = formContext(fastify, request);
    const s = signedIn(request);
    if (s && !csrfValid(fastify, request)) {
      return send(reply, ctx, 403, ctx.w.t('error_title'), alert(ctx.w.t('signin_expired')));
    }
    if (s) {
      request.principal = sessionPrincipal(s);
      await fastify.audit(request, {
        action: 'auth.signout',
        status: 303,
        detail: { login: s.login },
      });
    }
    fastify.sessions.end(request, reply);
    return reply.header('cache-control', 'no-store').redirect(href(ctx, '/'), 303);
  });

  fastify.get('/login/password', open, async (request, reply) => {
    const ctx = pageContext(fastify, request);
    if (!signedIn(request)) return reply.redirect(href(ctx, '/login'), 303);
    const next = nextOf(ctx.query.next);
    return send(
      reply,
      ctx,
      200,
      ctx.w.t('password_title'),
      passwordForm(ctx, request, reply, next, null),
    );
  });

  fastify.post('/login/password', open, async (request, reply) => {
    const ctx = formContext(fastify, request);
    const { w } = ctx;
    const s = signedIn(request);
    if (!s) return reply.redirect(href(ctx, '/login'), 303);
    const form = formOf(request);
    const next = nextOf(form.next);
    const again = (status: number, message: string) =>
      send(
        reply,
        ctx,
        status,
        w.t('password_title'),
        passwordForm(ctx, request, reply, next, message),
      );
    if (!csrfValid(fastify, request)) return again(403, w.t('signin_expired'));
    const current = form.current ?? '';
    const password = form.password ?? '';
    const found = await fastify.warehouse.read((db) => findAccount(db, s.login));
    if (!found || !(await verifyPassword(current, found.hash))) {
      return again(400, w.t('password_wrong'));
    }
    if (password !== (form.confirm ?? '')) return again(400, w.t('password_mismatch'));
    const problem = passwordProblem(s.login, password) ?? (password === current ? SAME : null);
    if (problem) return again(400, ctx.lang === 'en' ? problem.en : problem.vi);
    await fastify.warehouse.write((db) => setPassword(db, s.login, password));
    // the old password's other sessions end; this one goes on under a new id
    fastify.sessions.endLogin(s.login, s.id);
    fastify.sessions.start(request, reply, {
      login: s.login,
      role: s.role,
      unit_id: s.unit_id,
      must_change: false,
    });
    request.principal = sessionPrincipal({ ...s, must_change: false });
    await fastify.audit(request, {
      action: 'auth.password',
      status: 303,
      detail: { login: s.login },
    });
    return reply.header('cache-control', 'no-store').redirect(next, 303);
  });
}

const SAME = {
  en: 'the new password must differ from the current one',
  vi: 'mật khẩu mới phải khác mật khẩu hiện tại',
};
