import { Plan } from '../indicators/plans/schema.ts';
const r = Plan.safeParse({ id: 'X Y', title: '', issuer: 3, unit_code: 'a', unit_name: 'b', issued_on: '2024-13-01', issued_on_text: null, parent_plan: null, report_due_day: 40, report_due_clause: null, source: 's', extra: 1, source_kind: 'nope',
 targets: [{ id: 't', indicator: null, measure: 'm', scope: {level: 'x'}, comparator: '=>', value: 'abc', unit_of_measure: 'percent', window_start: '2024-01-01', deadline: '2023-01-01', clause: 'c', quote: 'q', source: ['notaurl'] }], tasks: 'x' });
console.log(JSON.stringify(r.error!.issues, null, 1));
