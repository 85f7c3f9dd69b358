// Checks plan files (default: all) and prints each plan's counts and every deadline as parsed,
// so an encoder can see at once what the loader will make of the text.
import { loadCatalogue } from '../indicators/catalogue/load.ts';
import { checkPlan, measureKind, planFiles } from '../indicators/plans/load.ts';
import { formatProblem } from '../indicators/plans/messages.ts';
import { Plan } from '../indicators/plans/schema.ts';
import { readYaml, validate, DefinitionError } from '../indicators/definitions.ts';
import { parseDeadline } from '../pipelines/normalize/deadlines.ts';

const catalogue = loadCatalogue();
const files = process.argv.slice(2).length > 0 ? process.argv.slice(2) : planFiles();
let failed = false;
for (const file of files) {
  try {
    const plan = validate(Plan, readYaml(file), file);
    const problems = checkPlan(plan, catalogue);
    console.log(
      `${file}: ${plan.id} targets=${plan.targets.length} tasks=${plan.tasks.length} ` +
        `procedures=${plan.procedures.length} notes=${plan.notes.length}`,
    );
    const unmeasured = plan.targets.filter((t) => measureKind(t) === 'none');
    console.log(
      `  measured targets ${plan.targets.length - unmeasured.length}/${plan.targets.length}` +
        unmeasured.map((t) => `\n  UNMEASURED ${t.id}`).join(''),
    );
    const texts = [...plan.tasks, ...plan.procedures].map((t) => t.deadline);
    for (const text of new Set(texts)) {
      if (text === null) continue;
      const d = parseDeadline(text);
      console.log(`  deadline ${JSON.stringify(text)} -> ${d.kind} ${d.due_on ?? ''}`);
    }
    for (const p of problems) console.log(`  PROBLEM ${formatProblem(p)}`);
    if (problems.length > 0) failed = true;
  } catch (error) {
    failed = true;
    console.log(error instanceof DefinitionError ? error.message : String(error));
  }
}
process.exitCode = failed ? 1 : 0;
