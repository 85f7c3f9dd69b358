// Schemas of GET /api/units and /api/units/:unit: units as of a date, one unit's place and history.
import { z } from 'zod';
import { unitParam, unitSummary } from './common.ts';

export const level = z.enum(['national', 'province', 'district', 'commune']);
const isoDate = z.iso.date();

export const unitsQuery = z.object({
  as_of: isoDate.optional().describe('the date the tree is read at (ISO); default today'),
  parent: unitParam
    .optional()
    .describe('the root of the list: a GSO code read at as_of, a unit id or VN (default)'),
  level: level
    .optional()
    .describe("the deepest level listed; default the level of the root's children"),
});

export const unitRow = z.object({
  unit_id: z.string(),
  code: z.string(),
  name: z.string().describe('short name, without Tỉnh/Thành phố/Xã …'),
  full_name: z.string(),
  name_en: z.string().nullable(),
  level,
  parent_id: z.string().nullable(),
  valid_from: z.string().nullable().describe('first day (ISO); null: before our records'),
  valid_to: z.string().nullable().describe('last day (ISO); null: still in existence'),
  children: z.number().int().describe('children in existence at as_of'),
});

export const unitsResponse = z.object({
  as_of: z.string(),
  root: z.string().describe('unit id of the first row'),
  level: level.describe('the deepest level listed'),
  units: z
    .array(unitRow)
    .describe('the root, then its descendants down to level, by level and code'),
});

export const unitParams = z.object({ unit: unitParam });
export const unitQuery = z.object({
  as_of: isoDate
    .optional()
    .describe('the date a code is read at and children are listed at (ISO); default today'),
});

const linked = unitSummary.extend({
  valid_from: z.string().nullable(),
  valid_to: z.string().nullable(),
  effective_on: z.string(),
  kind: z.enum(['merge', 'split', 'rename', 'continue']),
});

export const unitResponse = z.object({
  unit: unitRow.omit({ children: true }).extend({ source: z.string() }),
  as_of: z.string(),
  children_as_of: z
    .string()
    .describe("as_of, or the unit's last day when it ceased to exist before as_of"),
  ancestors: z.array(unitSummary).describe('breadcrumbs: the country first, the parent last'),
  children: z.array(unitRow),
  predecessors: z.array(linked).describe('the units this one replaced (unit_succession)'),
  successors: z.array(linked).describe('the units that replaced this one'),
});

export type UnitsQuery = z.infer<typeof unitsQuery>;
export type UnitsResponse = z.infer<typeof unitsResponse>;
export type UnitRow = z.infer<typeof unitRow>;
export type UnitResponse = z.infer<typeof unitResponse>;
