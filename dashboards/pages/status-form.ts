// The planner's form on the tasks and procedures pages, and each item's status history under it.
// A signed-in planner sees a form on the items of the plans in its scope (the rule of
// POST /api/tasks/{plan_id}/{seq}/status: its unit, the units under it and those it continues
// across the 2025 reform), an admin on every item; everyone sees the history. The form posts
// (with its CSRF token) to /tasks/status or /procedures/status, which record through the same
// service as the API (recordStatus) and send the browser back to the page. No script: <details>
// opens the form, every field has its label.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { planPlaces, plannerScope } from '../../indicators/work/scope.ts';
import type { WorkKind } from '../../indicators/work/status.ts';
import { recordStatus } from '../../api/services/progress.ts';
import { HttpError } from '../../api/errors.ts';
import { requireForm, safeNext } from '../../api/plugins/session.ts';
import { html, raw, type Html } from '../render/html.ts';
import type { PageContext } from '../layout.ts';
import { words, type Key } from '../i18n/index.ts';
import { planStatusWord } from './common.ts';

const STATUSES = ['planned', 'in_progress', 'done', 'cancelled'] as const;

/** What a page knows of an item: its plan, number and title (tasks) or name (procedures). */
export interface ItemRow {
  plan_id: string;
  number: string;
  title?: string;
  name?: string;
}

interface Change {
  seq: number;
  status: string;
  as_of: string;
  note: string | null;
  recorded_by: string;
}

const TABLES: Record<WorkKind, { items: string; history: string; text: string }> = {
  task: { items: 'core.tasks', history: 'core.task_status_history', text: 'title' },
  procedure: { items: 'core.procedures', history: 'core.procedure_status_history', text: 'name' },
};

const keyOf = (plan: string, number: string, text: string) => `${plan}\u0000${number}\u0000${text}`;

/** Which plans the viewer may record for: all (admin), those in a planner's scope, or none. */
async function editablePlans(
  ctx: PageContext,
  db: Database,
  units: UnitIndex,
): Promise<(plan: string) => boolean> {
  const viewer = ctx.viewer;
  if (!viewer || (viewer.role !== 'planner' && viewer.role !== 'admin')) return () => false;
  if (viewer.role === 'admin') return () => true;
  if (!viewer.unit_id) return () => false;
  const scope = await plannerScope(db, units, findUnit(units, viewer.unit_id, ctx.today));
  const places = await planPlaces(db);
  return (plan) => {
    const place = places.get(plan);
    return place !== undefined && scope.covers(place);
  };
}

/**
 * Loads what the page's items need (their seq, their history, who may edit) and returns the
 * markup to put under each item: its history, and the form when the viewer may record.
 */
export async function statusForms(
  ctx: PageContext,
  { db, units }: { db: Database; units: UnitIndex },
  kind: WorkKind,
): Promise<(row: ItemRow) => Html> {
  const t = TABLES[kind];
  const items = await db.all<{ plan_id: string; seq: number; number: string; text: string }>(
    `select plan_id, seq, number, ${t.text} as text from ${t.items}`,
  );
  const seqOf = new Map(items.map((i) => [keyOf(i.plan_id, i.number, i.text), i.seq]));
  const changes = await db.all<Change & { plan_id: string }>(
    `select plan_id, seq, status, as_of::varchar as as_of, note, recorded_by
     from ${t.history} where seq is not null
     order by as_of, recorded_at, entry_id`,
  );
  const historyOf = new Map<string, Change[]>();
  for (const c of changes) {
    const k = `${c.plan_id}\u0000${c.seq}`;
    historyOf.set(k, [...(historyOf.get(k) ?? []), c]);
  }
  const editable = await editablePlans(ctx, db, units);
  const { w } = ctx;
  const back = `${ctx.path}${new URLSearchParams(ctx.query).size ? `?${new URLSearchParams(ctx.query)}` : ''}`;

  return (row) => {
    const seq = seqOf.get(keyOf(row.plan_id, row.number, row.title ?? row.name ?? ''));
    if (seq === undefined) return html``;
    const id = `${kind}-${row.plan_id}-${seq}`;
    const history = historyOf.get(`${row.plan_id}\u0000${seq}`) ?? [];
    const list =
      history.length === 0
        ? html``
        : html`<details class="status-history">
            <summary>${w.t('status_history', { n: w.int(history.length) })}</summary>
            <ol>
              ${history.map(
                (c) =>
                  html`<li>
                    ${w.date(c.as_of)}:
                    ${planStatusWord(w, c.status)}${c.note ? ` — ${c.note}` : ''}
                    <span class="muted">(${c.recorded_by})</span>
                  </li>`,
              )}
            </ol>
          </details>`;
    if (!editable(row.plan_id) || !ctx.viewer) return list;
    return html`${list}
      <details class="status-form" id="${id}">
        <summary>${w.t('status_form_legend')}</summary>
        <form method="post" action="/${kind === 'task' ? 'tasks' : 'procedures'}/status">
          ${raw(ctx.viewer.csrfField)}
          <input type="hidden" name="plan_id" value="${row.plan_id}" />
          <input type="hidden" name="seq" value="${seq}" />
          <input type="hidden" name="back" value="${back}" />
          <input type="hidden" name="lang" value="${ctx.lang}" />
          <p>
            <label for="${id}-status">${w.t('status_form_status')}</label>
            <select id="${id}-status" name="status">
              ${STATUSES.map((s) => html`<option value="${s}">${planStatusWord(w, s)}</option>`)}
            </select>
          </p>
          <p>
            <label for="${id}-as-of">${w.t('status_form_as_of')}</label>
            <input
              id="${id}-as-of"
              name="as_of"
              type="date"
              required
              value="${ctx.today}"
              max="${ctx.today}"
            />
          </p>
          <p>
            <label for="${id}-note">${w.t('status_form_note')}</label>
            <input id="${id}-note" name="note" maxlength="2000" />
          </p>
          <p><button type="submit">${w.t('status_form_submit')}</button></p>
        </form>
      </details>`;
  };
}

const formBody = z.object({
  plan_id: z.string().min(1).max(200),
  seq: z.coerce.number().int().min(0),
  status: z.enum(STATUSES),
  as_of: z.iso.date(),
  note: z.string().max(2000).default(''),
  back: z.string().optional(),
  lang: z.string().optional(),
});

/** The service's refusals, in the page's words (the API's code picks the sentence). */
const WORDS: Record<string, Key> = {
  AS_OF_IN_FUTURE: 'status_error_future',
  AS_OF_BEFORE_PLAN: 'status_error_before_plan',
  INVALID_AS_OF: 'status_error_form',
  OUT_OF_SCOPE: 'status_error_scope',
  UNKNOWN_PLAN: 'status_error_unknown',
  UNKNOWN_TASK: 'status_error_unknown',
  UNKNOWN_PROCEDURE: 'status_error_unknown',
};

/** POST /tasks/status and /procedures/status: the forms' targets. */
export async function statusFormRoutes(fastify: FastifyInstance) {
  for (const kind of ['task', 'procedure'] as const) {
    const action = `${kind}.status`;
    fastify.post(
      `/${kind === 'task' ? 'tasks' : 'procedures'}/status`,
      {
        schema: { hide: true },
        config: { access: 'plan', form: true, action },
        preHandler: requireForm('plan'),
      },
      async (request, reply) => {
        const raw = (request.body ?? {}) as Record<string, unknown>;
        const { t } = words(raw.lang === 'en' ? 'en' : 'vi');
        const parsed = formBody.safeParse(raw);
        if (!parsed.success) throw new HttpError(400, 'INVALID_REQUEST', t('status_error_form'));
        const { plan_id, seq, status, as_of, note, back } = parsed.data;
        const index = await fastify.warehouse.units();
        try {
          await fastify.warehouse.write((db) =>
            recordStatus(
              db,
              index,
              kind,
              { plan_id, seq },
              { status, as_of, note },
              request.principal!,
            ),
          );
        } catch (error) {
          if (!(error instanceof HttpError) || !WORDS[error.code]) throw error;
          await fastify.audit(request, {
            action,
            status: error.statusCode,
            detail: { plan_id, seq, error: error.code },
          });
          throw new HttpError(error.statusCode, error.code, t(WORDS[error.code]));
        }
        await fastify.audit(request, {
          action,
          status: 303,
          detail: { plan_id, seq, status, as_of, via: 'form' },
        });
        const to = safeNext(back) ? back : kind === 'task' ? '/tasks' : '/procedures';
        return reply.redirect(`${to}#${kind}-${plan_id}-${seq}`, 303);
      },
    );
  }
}
