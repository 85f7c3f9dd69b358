// Data quality (Chất lượng dữ liệu): the findings of loads and engine checks for a unit's subtree,
// period and severity — counts by rule and severity, then the findings newest first, capped with a
// note saying how many more there are. A finding is said from its rule code and its fields in the
// reader's language (issue 15.2); the engine's English message stays the English text.
import { qualityFindings } from '../../api/services/quality.ts';
import { qualityQuery } from '../../api/schemas/quality.ts';
import { formatPeriod, periodEnd } from '../../pipelines/normalize/periods.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { html, type Html } from '../render/html.ts';
import { catalogue } from '../../api/services/indicators.ts';
import { ruleText } from '../../pipelines/load/messages.ts';
import type { QualityResponse } from '../../api/schemas/quality.ts';
import { layout, href, type PageContext } from '../layout.ts';
import type { Key, Words } from '../i18n/index.ts';
import type { PageData } from './index.ts';
import { langField, readQuery, selectField, unitChoices } from './common.ts';

/** Findings listed when the page is not asked for a number: enough to read, small to send. */
export const PAGE_LIMIT = 200;

const SEVERITIES = ['error', 'warning', 'info'] as const;
const SEVERITY_ICON: Record<string, string> = { error: '✖', warning: '!', info: 'i' };

function severityWord(w: Words, severity: string): string {
  return (SEVERITIES as readonly string[]).includes(severity)
    ? w.t(`quality_severity_${severity}` as Key)
    : severity;
}

const severityBadge = (w: Words, severity: string) =>
  html`<span class="severity ${severity}"
    ><span aria-hidden="true">${SEVERITY_ICON[severity] ?? '·'}</span>
    ${severityWord(w, severity)}</span
  >`;

/** A finding's value as printed in the file, numbers in the reader's format. */
function valueText(w: Words, value: string | null): string {
  if (value === null) return '—';
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? w.num(n, 2) : value;
}

type Finding = QualityResponse['findings'][number];
type Names = Map<string, string>;

/** A rule as a reader names it: the engine's checks here, the load rules' words from the loader. */
function ruleWord(w: Words, rule: string): string {
  if (rule === 'outlier') return w.t('quality_rule_outlier');
  if (rule === 'numerator_above_denominator') return w.t('quality_rule_num_above_den');
  const kept = ruleText(rule);
  return kept ? kept[w.lang] : w.t('quality_rule_other');
}

const num = (w: Words, text: string | undefined) =>
  text === undefined || !Number.isFinite(Number(text)) ? (text ?? '—') : w.num(Number(text), 2);

/**
 * What a finding says, in the reader's language, from its rule and the figures the engine's
 * message carries (indicators/compute/checks.sql writes them in a fixed form; a message that does
 * not match it is shown as the rule's general words, never as English on a Vietnamese page).
 */
function findingText(w: Words, f: Finding, metrics: Names, indicators: Names): Html {
  if (w.lang === 'en') return html`${f.message}`;
  const metric = (id: string | undefined) => (id ? (metrics.get(id) ?? id) : '—');
  let m = /^(\w+) (\S+) is above (\w+) (\S+) for \S+ \S+ \((\w+)\)$/.exec(f.message);
  if (f.rule === 'numerator_above_denominator' && m)
    return html`${w.t('quality_msg_num_above_den', {
      num: metric(m[1]),
      a: num(w, m[2]),
      den: metric(m[3]),
      b: num(w, m[4]),
      indicator: indicators.get(m[5]) ?? m[5],
    })}`;
  m = /^(\w+) (\S+) is far from its usual (\S+) \(modified z-score (\S+)\)$/.exec(f.message);
  if (f.rule === 'outlier' && m)
    return html`${w.t('quality_msg_outlier', {
      metric: metric(m[1]),
      value: num(w, m[2]),
      usual: num(w, m[3]),
      z: num(w, m[4]),
    })}`;
  m =
    /^(\w+) (\S+) is (\S+)× its local median; in this month of earlier years it was (\S+)× \(modified z-score (\S+)\)$/.exec(
      f.message,
    );
  if (f.rule === 'outlier' && m)
    return html`${w.t('quality_msg_outlier_season', {
      metric: metric(m[1]),
      value: num(w, m[2]),
      ratio: num(w, m[3]),
      season: num(w, m[4]),
      z: num(w, m[5]),
    })}`;
  return html`${ruleWord(w, f.rule)}${f.metric ? html` — ${metric(f.metric)}` : ''}`;
}

export async function render(ctx: PageContext, { db, units }: PageData): Promise<string> {
  const { w } = ctx;
  const query = readQuery(qualityQuery, ctx);
  const cat = await catalogue(db);
  const vi = ctx.lang === 'vi';
  const metrics: Names = new Map(cat.metrics.map((m) => [m.metric_id, vi ? m.name_vi : m.name_en]));
  const indicators: Names = new Map(
    cat.indicators.map((i) => [i.indicator_id, vi ? i.name_vi : i.name_en]),
  );
  const limit = ctx.query.limit ? query.limit : PAGE_LIMIT;
  // a code is read at the period's end, else today, as GET /api/quality reads it
  const unit = query.unit
    ? findUnit(units, query.unit, query.period ? periodEnd(query.period) : ctx.today)
    : null;
  const data = await qualityFindings(db, { ...query, unit: unit ?? undefined, limit });
  const name = (id: string | null) => (id ? (units.get(id)?.full_name ?? id) : '—');
  const period = query.period ? formatPeriod(query.period) : undefined;
  const keep = { unit: unit?.unit_id, period, batch: query.batch };

  const form = html`<form class="filters" method="get" action="/quality">
    ${selectField(
      ctx,
      'unit',
      w.t('quality_filter_unit'),
      unitChoices(ctx, units, null, null, unit),
      unit?.unit_id,
    )}
    <label
      >${w.t('quality_filter_period')}
      <input name="period" value="${period ?? ''}" size="10" />
    </label>
    ${selectField(
      ctx,
      'severity',
      w.t('severity'),
      SEVERITIES.map((s) => ({ value: s, label: severityWord(w, s) })),
      query.severity,
    )}
    <label
      >${w.t('quality_batch')}
      <input name="batch" value="${query.batch ?? ''}" size="24" />
    </label>
    ${langField(ctx)}
    <button type="submit">${w.t('show')}</button>
  </form>`;

  const summary = html`<section aria-labelledby="summary">
    <h2 id="summary">${w.t('quality_summary')}</h2>
    <div class="cards">
      <div class="card"><span class="big">${w.int(data.total)}</span> ${w.t('quality_total')}</div>
    </div>
    <div class="grid-2">
      <table class="compact" id="quality-by-rule">
        <caption>
          ${w.t('quality_by_rule')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${w.t('rule')}</th>
            <th scope="col">${w.t('severity')}</th>
            <th scope="col" class="num">${w.t('quality_count')}</th>
          </tr>
        </thead>
        <tbody>
          ${data.by_rule.map(
            (r) =>
              html`<tr>
                <th scope="row">${ruleWord(w, r.rule)} <code>${r.rule}</code></th>
                <td>${severityBadge(w, r.severity)}</td>
                <td class="num">${w.int(r.count)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <table class="compact" id="quality-by-severity">
        <caption>
          ${w.t('quality_by_severity')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${w.t('severity')}</th>
            <th scope="col" class="num">${w.t('quality_count')}</th>
          </tr>
        </thead>
        <tbody>
          ${Object.entries(data.by_severity).map(
            ([s, n]) =>
              html`<tr>
                <th scope="row">
                  <a href="${href(ctx, '/quality', { ...keep, severity: s })}"
                    >${severityBadge(w, s)}</a
                  >
                </th>
                <td class="num">${w.int(n)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;

  const capped = data.findings.length < data.total;
  const table = html`<section aria-labelledby="findings">
    <h2 id="findings">${w.t('quality_table')}</h2>
    ${
      capped
        ? html`<p class="note" role="note" id="capped">
            ${w.t('quality_capped', { shown: w.int(data.findings.length), total: w.int(data.total) })}
          </p>`
        : ''
    }
    ${
      data.findings.length === 0
        ? html`<p>${w.t('none')}</p>`
        : html`<table id="quality-findings">
            <thead>
              <tr>
                <th scope="col">${w.t('quality_batch')}</th>
                <th scope="col">${w.t('unit')}</th>
                <th scope="col">${w.t('period')}</th>
                <th scope="col">${w.t('quality_metric')}</th>
                <th scope="col">${w.t('rule')}</th>
                <th scope="col">${w.t('severity')}</th>
                <th scope="col">${w.t('message')}</th>
                <th scope="col" class="num">${w.t('quality_value')}</th>
                <th scope="col" class="num">${w.t('quality_line')}</th>
              </tr>
            </thead>
            <tbody>
              ${data.findings.map(
                (f) =>
                  html`<tr>
                    <td>
                      ${
                        f.batch_id
                          ? html`<a href="${href(ctx, '/quality', { batch: f.batch_id })}"
                              ><code>${f.batch_id}</code></a
                            >`
                          : html`<span class="muted">${w.t('quality_engine')}</span>`
                      }
                      <br /><span class="muted">${w.dateTime(f.found_at)}</span>
                    </td>
                    <td>${name(f.unit_id)}</td>
                    <td>${f.period ? w.period(f.period) : '—'}</td>
                    <td>
                      ${f.metric ? html`${metrics.get(f.metric) ?? ''} <code>${f.metric}</code>` : '—'}
                    </td>
                    <td>${ruleWord(w, f.rule)} <code>${f.rule}</code></td>
                    <td>${severityBadge(w, f.severity)}</td>
                    <td>${findingText(w, f, metrics, indicators)}</td>
                    <td class="num">${valueText(w, f.value)}</td>
                    <td class="num">${f.line === null ? '—' : w.int(f.line)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`;

  return layout(ctx, {
    title: unit ? `${w.t('quality')} — ${unit.full_name}` : w.t('quality'),
    page: 'quality',
    body: html`${form} ${summary} ${table}`,
  });
}
