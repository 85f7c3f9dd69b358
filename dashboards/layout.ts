// The page shell every dashboard shares: skip link, navigation, language switch, when the data was
// last loaded, the synthetic-data banner on demo data, and the sources in the footer.
import { html, raw, type Html } from './render/html.ts';
import type { Key, Lang, Words } from './i18n/index.ts';
import type { DataMeta } from '../api/plugins/warehouse.ts';
import type { Viewer } from '../api/plugins/session.ts';

export type PageName =
  | 'overview'
  | 'indicator'
  | 'unit'
  | 'tasks'
  | 'procedures'
  | 'reporting'
  | 'plans'
  | 'quality'
  | 'pack'
  | 'account';

export interface PageContext {
  lang: Lang;
  w: Words;
  /** the request's path, e.g. /indicator/cccd_coverage */
  path: string;
  /** the request's query parameters (lang among them when English) */
  query: Record<string, string>;
  meta: DataMeta;
  /** today, YYYY-MM-DD: what "overdue" and "last complete quarter" are measured from */
  today: string;
  /** who is signed in (a page with one is never cached: it carries their CSRF token) */
  viewer?: Viewer | null;
}

/** The header's account box: who is signed in and a sign-out form, or a link to sign in. */
function accountBox(ctx: PageContext): Html {
  const { w, viewer } = ctx;
  if (!viewer) {
    return html`<a class="account" href="${href(ctx, '/login', { next: ctx.path })}"
      >${w.t('signin_link')}</a
    >`;
  }
  return html`<form class="account" method="post" action="${href(ctx, '/logout')}">
    <span>${w.t('signin_as', { login: viewer.login, role: w.t(`role_${viewer.role}`) })}</span>
    ${raw(viewer.csrfField)}<button type="submit">${w.t('signout_submit')}</button>
  </form>`;
}

const NAV: [PageName, string, Key][] = [
  ['overview', '/', 'nav_overview'],
  ['unit', '/unit', 'nav_units'],
  ['tasks', '/tasks', 'nav_tasks'],
  ['procedures', '/procedures', 'nav_procedures'],
  ['reporting', '/reporting', 'nav_reporting'],
  ['plans', '/plans', 'nav_plans'],
  ['quality', '/quality', 'nav_quality'],
  ['pack', '/pack', 'nav_pack'],
];

/** A link within the dashboards that keeps the language (and any given parameters). */
export function href(
  ctx: Pick<PageContext, 'lang'>,
  path: string,
  params: Record<string, string | null | undefined> = {},
): string {
  const entries = Object.entries({ ...params, lang: ctx.lang === 'en' ? 'en' : null }).filter(
    (e): e is [string, string] => e[1] !== null && e[1] !== undefined && e[1] !== '',
  );
  return entries.length ? `${path}?${new URLSearchParams(entries).toString()}` : path;
}

function switchHref(ctx: PageContext): string {
  const params = new URLSearchParams(ctx.query);
  if (ctx.lang === 'en') params.delete('lang');
  else params.set('lang', 'en');
  const q = params.toString();
  return q ? `${ctx.path}?${q}` : ctx.path;
}

export function dataLine(ctx: PageContext): Html {
  const { w, meta } = ctx;
  return html`<p class="data-as-of">
    ${meta.data_as_of ? w.t('data_loaded', { when: w.dateTime(meta.data_as_of) }) : w.t('data_none')}
  </p>`;
}

export function syntheticBanner(ctx: PageContext): Html {
  return ctx.meta.synthetic
    ? html`<p class="synthetic" role="note"><strong>${ctx.w.t('synthetic_banner')}</strong></p>`
    : html``;
}

export interface PageOptions {
  title: string;
  page: PageName;
  body: Html;
  /** inline the stylesheet (a PDF or a saved file has no server to ask) */
  inlineStyle?: string;
  /** extra class on <body>, e.g. "print" for the pack */
  bodyClass?: string;
}

export function layout(ctx: PageContext, options: PageOptions): string {
  const { w } = ctx;
  const style = options.inlineStyle
    ? html`<style>
        ${raw(options.inlineStyle)}
      </style>`
    : html`<link rel="stylesheet" href="/static/style.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />`;
  return `<!doctype html>\n${
    html`<html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} — ${w.t('app_name')}</title>
        ${style}
      </head>
      <body class="${options.bodyClass ?? ''}">
        <a class="skip" href="#main">${w.t('skip_to_content')}</a>
        <header class="site">
          <a class="brand" href="${href(ctx, '/')}">${w.t('app_name')}</a>
          <nav aria-label="${w.t('nav_overview')}">
            <ul>
              ${NAV.map(
                ([name, path, key]) =>
                  html`<li>
                    <a
                      href="${href(ctx, path)}"
                      ${name === options.page ? raw('aria-current="page"') : ''}
                      >${w.t(key)}</a
                    >
                  </li>`,
              )}
              <li><a href="/api/docs/">${w.t('nav_api')}</a></li>
            </ul>
          </nav>
          <a
            class="lang"
            href="${switchHref(ctx)}"
            hreflang="${ctx.lang === 'vi' ? 'en' : 'vi'}"
            lang="${ctx.lang === 'vi' ? 'en' : 'vi'}"
            aria-label="${w.t('switch_language_label')}"
            >${w.t('switch_language')}</a
          >
          ${accountBox(ctx)}
        </header>
        ${syntheticBanner(ctx)}
        <main id="main" tabindex="-1">
          <h1>${options.title}</h1>
          ${dataLine(ctx)} ${options.body}
        </main>
        <footer class="site">
          <p>${w.t('sources_note')}</p>
          ${dataLine(ctx)}
        </footer>
      </body>
    </html>`.text
  }`;
}
