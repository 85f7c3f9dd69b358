// Every dashboard page: its route and its renderer. A page reads through the API's services.
import type { Database } from '../../pipelines/db/connect.ts';
import type { Spread } from '../../pipelines/db/spread.ts';
import type { UnitIndex } from '../../pipelines/normalize/units.ts';
import type { PageContext } from '../layout.ts';
import * as overview from './overview.ts';
import * as indicator from './indicator.ts';
import * as unit from './unit.ts';
import * as plans from './plans.ts';
import * as pack from './pack.ts';
import * as tasks from './tasks.ts';
import * as procedures from './procedures.ts';
import * as reporting from './reporting.ts';
import * as quality from './quality.ts';

export interface PageData {
  db: Database;
  units: UnitIndex;
  params: Record<string, string>;
  /** Runs independent reads at once, on `db` and the read connections idle now (warehouse.ts) */
  spread: Spread;
}

export interface Page {
  route: string;
  render(ctx: PageContext, data: PageData): Promise<string>;
}

export const PAGES: Page[] = [
  { route: '/', render: overview.render },
  { route: '/indicator/:id', render: indicator.render },
  { route: '/unit', render: unit.render },
  { route: '/unit/:unit', render: unit.render },
  { route: '/plans', render: plans.render },
  { route: '/plans/:id', render: plans.renderPlan },
  { route: '/pack', render: pack.render },
  { route: '/tasks', render: tasks.render },
  { route: '/procedures', render: procedures.render },
  { route: '/reporting', render: reporting.render },
  { route: '/quality', render: quality.render },
];
