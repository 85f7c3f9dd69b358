// The upload pages' markup: the form, the preview (counts, every problem with how to fix it, the
// confirm form), the receipt and the history. Plain forms: no script, every control labelled and
// reachable by keyboard in document order.
import type { IngestReport } from '../../pipelines/load/ingest.ts';
import { problemFix, problemWhat } from '../../pipelines/load/messages.ts';
import type { Problem } from '../../pipelines/load/problems.ts';
import type { Note } from '../../pipelines/load/report.ts';
import type { Unit } from '../../pipelines/normalize/units.ts';
import { href, layout, type PageContext } from '../layout.ts';
import { html, raw, type Html } from '../render/html.ts';

/** One row of the history: an audit row of a preview or a confirmed upload. */
export interface UploadEntry {
  at: string;
  who: string | null;
  action: string;
  status: number;
  batch_id: string | null;
  file: string | null;
  outcome: string | null;
}

const page = (ctx: PageContext, title: string, body: Html) =>
  layout(ctx, { title, page: 'reporting', body });

const links = (ctx: PageContext) =>
  html`<p class="upload-links">
    <a href="${href(ctx, '/upload')}">${ctx.w.t('upload_again')}</a> ·
    <a href="${href(ctx, '/upload/mine')}">${ctx.w.t('upload_mine')}</a>
  </p>`;

/** The template download: a GET form, so it works without script and keeps the language. */
export function templateForm(ctx: PageContext, unitCode: string, period: string): Html {
  const { w } = ctx;
  return html`<form class="template" method="get" action="/api/template">
    <fieldset>
      <legend>${w.t('upload_template')}</legend>
      <p>${w.t('upload_template_hint')}</p>
      <label
        >${w.t('upload_template_unit')}
        <input name="unit" value="${unitCode}" required maxlength="64"
      /></label>
      <label
        >${w.t('upload_template_period')}
        <input name="period" value="${period}" required maxlength="32"
      /></label>
      <label
        >${w.t('upload_template_format')}
        <select name="format">
          <option value="xlsx" selected>XLSX</option>
          <option value="csv">CSV</option>
        </select></label
      >
      <button type="submit">${w.t('upload_template')}</button>
    </fieldset>
  </form>`;
}

/** The upload form (multipart, CSRF field) and the template download. */
export function uploadForm(
  ctx: PageContext,
  o: { csrf: string; scope: Unit | null; period: string; message?: string },
): string {
  const { w } = ctx;
  const body = html` ${o.message ? html`<p role="alert" class="problem">${o.message}</p>` : ''}
    <p>${w.t('upload_intro')}</p>
    ${o.scope ? html`<p>${w.t('upload_scope', { unit: `${o.scope.name} (${o.scope.code})` })}</p>` : ''}
    <form method="post" action="${href(ctx, '/upload/preview')}" enctype="multipart/form-data">
      ${raw(o.csrf)}
      <input type="hidden" name="lang" value="${ctx.lang}" />
      <p>
        <label
          >${w.t('upload_file')}
          <input type="file" name="file" required accept=".csv,.txt,.tsv,.xlsx,.json"
        /></label>
      </p>
      <p>
        <label
          >${w.t('upload_period')}
          <input name="period" maxlength="32" placeholder="${w.t('upload_period_hint')}"
        /></label>
      </p>
      <p>
        <label
          >${w.t('upload_parent')}
          <input name="parent" maxlength="64" placeholder="${w.t('upload_parent_hint')}"
        /></label>
      </p>
      <p>
        <label
          >${w.t('upload_thousands')}
          <select name="thousands">
            <option value="">${w.t('upload_thousands_none')}</option>
            <option value=".">${w.t('upload_thousands_dot')}</option>
            <option value=",">${w.t('upload_thousands_comma')}</option>
          </select></label
        >
      </p>
      <p>
        <label>${w.t('upload_sheet')} <input name="sheet" maxlength="100" /></label>
      </p>
      <p>
        <label
          >${w.t('upload_header_row')}
          <input name="header_row" inputmode="numeric" pattern="[1-9][0-9]*" maxlength="7"
        /></label>
      </p>
      <p>
        <label
          >${w.t('upload_skip_rows')}
          <input name="skip_rows" maxlength="200" placeholder="3,4,20-22"
        /></label>
      </p>
      <p class="hint">${w.t('upload_forms_hint')}</p>
      <p><button type="submit">${w.t('upload_preview_submit')}</button></p>
    </form>
    ${templateForm(ctx, o.scope?.code ?? 'VN', o.period)}
    <p><a href="${href(ctx, '/upload/mine')}">${w.t('upload_mine')}</a></p>`;
  return page(ctx, w.t('upload_title'), body);
}

/**
 * What reading decided without refusing anything: the period taken from the title or a sheet's
 * name, the title, totals and signatures left out, a name read by the file's context … so that
 * the officer sees what will be stored and from where.
 */
function notesList(ctx: PageContext, notes: readonly Note[]): Html | string {
  if (notes.length === 0) return '';
  const { w, lang } = ctx;
  return html`<section aria-labelledby="upload-notes">
    <h3 id="upload-notes">${w.t('upload_notes')}</h3>
    <ul>
      ${notes.map((n) => html`<li>${lang === 'vi' ? n.vi : n.message}</li>`)}
    </ul>
  </section>`;
}

function problemTable(ctx: PageContext, caption: string, problems: Problem[]): Html {
  const { w, lang } = ctx;
  return html`<table class="problems">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        <th scope="col">${w.t('upload_col_row')}</th>
        <th scope="col">${w.t('upload_col_column')}</th>
        <th scope="col">${w.t('upload_col_value')}</th>
        <th scope="col">${w.t('upload_col_what')}</th>
        <th scope="col">${w.t('upload_col_fix')}</th>
      </tr>
    </thead>
    <tbody>
      ${problems.map(
        (p) =>
          html`<tr>
            <td>${p.row ?? '—'}</td>
            <td>${p.column ?? '—'}</td>
            <td>${p.value ?? ''}</td>
            <td>${problemWhat(p, lang)}</td>
            <td>${problemFix(p, lang)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function counts(ctx: PageContext, r: IngestReport): Html {
  const { w } = ctx;
  const row = (key: Parameters<typeof w.t>[0], n: number) =>
    html`<tr>
      <th scope="row">${w.t(key)}</th>
      <td>${w.int(n)}</td>
    </tr>`;
  return html`<table class="counts">
    <caption>
      ${w.t('upload_counts')}
    </caption>
    <tbody>
      ${row('upload_rows_read', r.rowsRead)} ${row('upload_rows_new', r.rowsNew)}
      ${row('upload_rows_revised', r.rowsRevised)} ${row('upload_rows_unchanged', r.rowsUnchanged)}
      ${row('upload_rows_missing', r.rowsMissing)}
    </tbody>
  </table>`;
}

/** Whether a report found no figure at all (an empty template): nothing to load, said so. */
export const noFigures = (r: IngestReport) =>
  r.status !== 'rejected' && r.rowsNew + r.rowsRevised + r.rowsUnchanged === 0;

/**
 * The preview of a dry run: the verdict in words, the counts, every problem, and the confirm
 * form when there is something to load (`confirm` holds the preview's id and the CSRF field).
 */
export function previewPage(
  ctx: PageContext,
  r: IngestReport,
  o: { scope: Unit | null; confirm: { id: string; csrf: string } | null },
): string {
  const { w } = ctx;
  const rules = new Set(r.errors.map((p) => p.rule));
  const verdict =
    r.status === 'rejected'
      ? rules.has('out_of_scope')
        ? w.t('upload_out_of_scope', { unit: o.scope ? `${o.scope.name} (${o.scope.code})` : '' })
        : rules.has('approved_period')
          ? w.t('upload_locked')
          : w.t('upload_rejected')
      : noFigures(r)
        ? w.t('upload_empty')
        : r.rowsNew + r.rowsRevised === 0
          ? w.t('upload_nothing_new')
          : w.t('upload_confirm_intro', { sha: r.sha256.slice(0, 12) });
  const body = html` <p role="${r.status === 'rejected' ? 'alert' : 'status'}" class="verdict">
      ${verdict}
    </p>
    ${r.status === 'rejected' ? '' : counts(ctx, r)}
    ${
      r.errorCount > 0
        ? problemTable(ctx, w.t('upload_problems', { count: w.int(r.errorCount) }), r.errors)
        : ''
    }
    ${
      r.errorCount > r.errors.length
        ? html`<p>
            ${w.t('upload_problems_more', { shown: w.int(r.errors.length), count: w.int(r.errorCount) })}
          </p>`
        : ''
    }
    ${
      r.warningCount > 0
        ? problemTable(ctx, w.t('upload_warnings', { count: w.int(r.warningCount) }), r.warnings)
        : ''
    }
    ${notesList(ctx, r.notes ?? [])}
    ${
      o.confirm
        ? html`<form method="post" action="${href(ctx, '/upload/confirm')}">
            ${raw(o.confirm.csrf)}
            <input type="hidden" name="id" value="${o.confirm.id}" />
            <input type="hidden" name="lang" value="${ctx.lang}" />
            <button type="submit">${w.t('upload_confirm_submit')}</button>
          </form>`
        : ''
    }
    ${links(ctx)}`;
  return page(ctx, w.t('upload_preview_title', { file: r.file }), body);
}

/** The receipt of a confirmed upload: the batch, its counts, the refresh, the unit's page. */
export function receiptPage(
  ctx: PageContext,
  r: IngestReport,
  o: { refreshed: boolean; unit: Unit | null },
): string {
  const { w } = ctx;
  const body = html` <p role="status" class="verdict">
      ${
        r.batchId
          ? w.t('upload_receipt', { batch: r.batchId })
          : r.status === 'rejected'
            ? w.t('upload_rejected')
            : w.t('upload_receipt_unchanged')
      }
    </p>
    ${r.status === 'rejected' ? problemTable(ctx, w.t('upload_problems', { count: w.int(r.errorCount) }), r.errors) : counts(ctx, r)}
    ${o.refreshed ? html`<p>${w.t('upload_refreshed')}</p>` : ''}
    ${
      o.unit
        ? html`<p>
            <a href="${href(ctx, `/unit/${encodeURIComponent(o.unit.unit_id)}`)}"
              >${w.t('upload_see_unit')}: ${o.unit.name}</a
            >
          </p>`
        : ''
    }
    ${links(ctx)}`;
  return page(ctx, w.t('upload_receipt_title'), body);
}

const RESULT: Record<string, Parameters<PageContext['w']['t']>[0]> = {
  loaded: 'upload_result_loaded',
  unchanged: 'upload_result_unchanged',
  dry_run: 'upload_result_dry_run',
  rejected: 'upload_result_rejected',
};

/** "My uploads" (an admin: everyone's): previews and uploads, newest first, with their outcome. */
export function historyPage(ctx: PageContext, entries: UploadEntry[], everyone: boolean): string {
  const { w } = ctx;
  const title = everyone ? w.t('upload_all') : w.t('upload_mine');
  const body = html` ${
      entries.length === 0
        ? html`<p>${w.t('upload_history_none')}</p>`
        : html`<table class="uploads">
            <thead>
              <tr>
                <th scope="col">${w.t('upload_col_at')}</th>
                ${everyone ? html`<th scope="col">${w.t('upload_col_who')}</th>` : ''}
                <th scope="col">${w.t('upload_col_step')}</th>
                <th scope="col">${w.t('upload_col_file')}</th>
                <th scope="col">${w.t('upload_col_result')}</th>
                <th scope="col">${w.t('upload_col_batch')}</th>
              </tr>
            </thead>
            <tbody>
              ${entries.map(
                (e) =>
                  html`<tr>
                    <td>${w.dateTime(e.at)}</td>
                    ${everyone ? html`<td>${e.who ?? ''}</td>` : ''}
                    <td>
                      ${w.t(e.action === 'upload.preview' ? 'upload_step_preview' : 'upload_step_confirm')}
                    </td>
                    <td>${e.file ?? ''}</td>
                    <td>
                      ${RESULT[e.outcome ?? ''] ? w.t(RESULT[e.outcome ?? '']) : String(e.status)}
                    </td>
                    <td>${e.batch_id ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <p><a href="${href(ctx, '/upload')}">${w.t('upload_title')}</a></p>`;
  return page(ctx, title, body);
}
