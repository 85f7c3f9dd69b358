// Recording a status change of one task or procedure over HTTP: the item must exist (404), lie
// in a planner's scope (403, naming the scope; an admin records everywhere), and the change must
// pass the checks every channel shares (400: a day not after today in Vietnam nor before the
// plan, an http(s) evidence link). One write; the answer is the item as it now stands.
import type { Database } from '../../pipelines/db/connect.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import { recordChanges, workItems } from '../../indicators/work/history.ts';
import { outOfScope, planPlaces, plannerScope } from '../../indicators/work/scope.ts';
import { checkEntry, type EntryRule, type WorkKind } from '../../indicators/work/status.ts';
import { badRequest, HttpError, notFound } from '../errors.ts';
import { tokenUnit, type Principal } from '../plugins/auth.ts';
import type { HistoryEntry, StatusBody } from '../schemas/tasks.ts';
import { today } from './common.ts';
import { entryOf } from './tasks.ts';

const CODES: Record<EntryRule, string> = {
  as_of: 'INVALID_AS_OF',
  as_of_future: 'AS_OF_IN_FUTURE',
  as_of_before_plan: 'AS_OF_BEFORE_PLAN',
  evidence_url: 'INVALID_EVIDENCE_URL',
  note: 'INVALID_REQUEST',
};

/** Who recorded, as history and the audit name them. */
/** Who recorded a status: a signed-in user by login, a token by its id and label. */
export const recorderOf = (p: Principal) =>
  p.source === 'session' ? p.token_id : `token:${p.token_id} (${p.label})`;

/**
 * Records `body` for item `seq` of `planId` on the writer connection; returns the change as
 * stored. The caller reads the item back and answers 201.
 */
export async function recordStatus(
  db: Database,
  index: UnitIndex,
  kind: WorkKind,
  key: { plan_id: string; seq: number },
  body: StatusBody,
  principal: Principal,
): Promise<HistoryEntry> {
  const place = (await planPlaces(db)).get(key.plan_id);
  if (!place) throw notFound('UNKNOWN_PLAN', `unknown plan: ${key.plan_id}`);
  const item = (await workItems(db, kind, key.plan_id)).find((i) => i.seq === key.seq);
  if (!item) {
    throw notFound(
      kind === 'task' ? 'UNKNOWN_TASK' : 'UNKNOWN_PROCEDURE',
      `plan ${key.plan_id} has no ${kind} at seq ${key.seq}`,
    );
  }
  const now = today();
  if (principal.role !== 'admin') {
    const scope = await plannerScope(db, index, tokenUnit(index, principal, now));
    if (!scope.covers(place)) throw new HttpError(403, 'OUT_OF_SCOPE', outOfScope(place, scope));
  }
  const note = body.note.trim() === '' ? null : body.note.trim();
  const evidence = body.evidence_url?.trim() ? body.evidence_url.trim() : null;
  const [problem] = checkEntry(
    { as_of: body.as_of, note, evidence_url: evidence },
    { today: now, planDate: place.date, plan_id: place.plan_id },
  );
  if (problem) throw badRequest(CODES[problem.rule], problem.message);
  const [stored] = await recordChanges(
    db,
    kind,
    [{ item, status: body.status, as_of: body.as_of, note, evidence_url: evidence }],
    { source: 'api', recorded_by: recorderOf(principal) },
  );
  return entryOf(stored);
}
