// Every command's --help, apart from the commands themselves: `chitieu X --help` loads this
// file only, not the command and the libraries it needs (exceljs, Plot, Chromium's driver …).
import { DEFAULT_SEED } from '../pipelines/demo/seed.ts';

export const COMMAND_HELP = {
  demo: `chitieu demo — load a synthetic demo dataset (dữ liệu mô phỏng)

Usage: chitieu demo [--until YYYY-MM] [--seed N] [--out DIR]

Generates deterministic, clearly synthetic figures (every row's note says "dữ liệu mô phỏng
(synthetic demo)"; the database is marked demo_data = synthetic) and loads them through the same
ingest pipeline as real files (demo-YYYY.csv, then demo-corrections.csv):
  - every catalogue metric, monthly from 2022-01, for the 63 provinces until 6/2025 and the 34
    after (a new province reports the sum of its predecessors);
  - districts and communes of the seed plans' provinces, when their unit lists were imported
    (chitieu units import); province level only otherwise;
  - plausible trends, Tết dips, late and missing reports, a few outliers and warnings, and a
    later file of corrections (revisions).
Running it again with the same options changes nothing. Refuses a database that holds figures
from other files: use a separate CHITIEU_DB for the demo.

Options:
  --until YYYY-MM   last month (default: the last full month before today)
  --seed N          random seed (default ${DEFAULT_SEED}); the same seed gives the same data
  --out DIR         also keep the generated CSV files in DIR`,
  export: `chitieu export — a view as CSV, Parquet or an Arrow IPC stream

Usage: chitieu export observations|progress --format csv|parquet|arrow --out FILE
                      [--unit U] [--from P] [--to P] [--indicator I]

  --unit U       the unit and every unit under it: a GSO code (read as the unit it named at the
                 end of --to, else of --from, else today), a unit id (p91@2025-07-01) or VN
  --from P       rows whose period starts on or after P starts (2024, 2024-Q3, 2024-07)
  --to P         rows whose period starts on or before P ends
  --indicator I  one indicator: its progress rows, or the observations it is computed from

Columns in the view's order; CSV is RFC 4180, UTF-8, with a header row. The database is opened
read-only. While \`chitieu serve\` runs it holds the database file: download the same export
from the server instead (GET /api/export/observations.csv?unit=…).`,
  ingest: `chitieu ingest — validate and load reported figures

Usage: chitieu ingest FILE [FILE…] [options]

FILE is a CSV (comma, semicolon or tab; UTF-8 with or without BOM, UTF-16 with BOM,
Windows-1258), an XLSX workbook (every sheet, or --sheet) or a JSON array of long records.
  long layout:  unit_code,period,metric,value [,unit_name,reported_at,note]
  wide layout:  unit_code and/or unit_name, a period column (or --period), one column per
                metric (its id, or its Vietnamese label as in the catalogue)
Periods: 2024, 2024-Q3, 2024-07, 2024-07-19 (a snapshot), and "Tháng 7/2024", "Quý III/2024",
"Năm 2024". Numbers: "1.234.567", "1,234,567", "85,5"; blank, "-" or "—" is missing (not zero).
Units: a GSO code, read as the unit it named at the row's period, or a name.

Every problem is reported (file, row, column, value, rule); a file with any error loads nothing.
Loading the same figures again changes nothing; a changed figure becomes a new revision.

Options:
  --dry-run            validate and report; write nothing
  --layout long|wide   force the layout (default: long when there are metric and value columns)
  --period P           the period of every row of a wide file without a period column
  --encoding E         utf-8 | utf-16le | utf-16be | windows-1258 (default: detected)
  --sheet NAME         read only this sheet of an XLSX workbook (default: every visible
                       sheet; hidden and chart sheets are skipped); repeat it or give
                       a comma list for several
  --header-row N       an office form's (first) header row, when finding it fails
  --skip-rows LIST     rows never read as data: 1,2,5-7
  --mapping FILE       a YAML/JSON file: column header → metric id, unit_name, unit_code,
                       period, note or ignore (README "Office forms")
  --record-path P      JSON: where the records are in a nested export (data.items)
  --parent U           the unit the file is about (a unit id such as p89, or a code read
                       today): unit names are looked for among it and the units under it
  --level L            province | district | commune: the level unit names are read at
                       (default: the level the file's other rows share)
  --thousands . | ,    the thousands mark of the figures; without it a lone group that reads
                       two ways 1000 times apart ("25.000": 25000 or 25) is refused
  --report FILE        write the full report (every problem) as JSON
  --show N             how many problems to print per file (default 20)`,
  init: `chitieu init — create or migrate the database and load the catalogue

Usage: chitieu init

Creates the database file (env CHITIEU_DB, default data/chitieu.duckdb) if needed, applies
pending migrations, and loads the country and its provinces before and after 1/7/2025 with their
succession, the metric and indicator catalogue, and every plan in indicators/plans/ through the
same import as \`chitieu plans import\` (a shipped file already stored is skipped; a changed
one becomes the plan's next version, except over a version someone imported).
Running it again changes nothing.`,
  refresh: `chitieu refresh — recompute the indicator engine's results

Usage: chitieu refresh [--today YYYY-MM-DD]

Recomputes, from every observation, the actuals per indicator × unit × month, quarter and year,
the status of every binding target, reporting timeliness and data-quality findings, and stamps
"data as of". Ingest refreshes what each batch touched on its own; this is the full rebuild.
  --today D   the day statuses are computed on (default: today in Vietnam, or CHITIEU_TODAY)`,
  report: `chitieu report — the quarterly pack (Báo cáo quý) as a PDF

Usage: chitieu report --unit U --quarter Q (--pdf FILE | --html FILE) [--lang vi|en] [--current]

  --unit U      a GSO code (read at the quarter's end), a unit id, or VN
  --quarter Q   2025-Q4 or "Quý IV/2025"
  --pdf FILE    write an A4 PDF (needs Chromium: npm run setup:browser)
  --html FILE   write the standalone HTML document instead
  --lang L      vi (default) or en
  --current     today's figures even when the pack was saved as reviewed (default: the reviewed
                figures, with the differences from today's data)

Opens the database read-only; while \`chitieu serve\` runs, download GET /pack.pdf?unit=U&period=Q.`,
  serve: `chitieu serve — the API and dashboards over HTTP

Usage: chitieu serve [--port N] [--host H]

  --port N   default 3000 (env CHITIEU_PORT)
  --host H   default 127.0.0.1 (env CHITIEU_HOST); 0.0.0.0 to answer other machines

Migrates the database first (like \`chitieu init\`), then serves until SIGINT/SIGTERM, logging
one JSON line per request. While it runs it owns the database file: load files with
POST /api/ingest (a reporter's or admin's token) and query with POST /api/sql.
Settings from the environment: CHITIEU_OPEN_READS (default 1: reads need no token),
CHITIEU_CORS_ORIGINS (comma-separated; default none), CHITIEU_BODY_LIMIT (bytes, default 64 MiB),
CHITIEU_SQL_TIMEOUT_MS (10000), CHITIEU_SQL_ROW_LIMIT (10000), CHITIEU_TOKENS (token file,
default tokens.json beside the database), CHITIEU_AUTH_FAILURES (10 a minute per address, then
429), CHITIEU_EXPORT_CONCURRENCY (2) and CHITIEU_EXPORT_QUEUE (8), CHITIEU_PDF_CONCURRENCY (1)
and CHITIEU_PDF_QUEUE (2) (beyond them 503 with Retry-After), CHITIEU_SHUTDOWN_MS (10000: on
SIGTERM, requests still running after it are cut), CHITIEU_LOG_LEVEL (info).
Upload limits (beyond them 413, nothing loaded): CHITIEU_UPLOAD_MAX_ROWS (1000000; a reporter:
CHITIEU_REPORTER_UPLOAD_MAX_ROWS, 200000), CHITIEU_XLSX_MAX_INFLATED (bytes, 100 MiB),
CHITIEU_XLSX_MAX_CELLS (1000000), CHITIEU_XLSX_MAX_ROWS (1000000), CHITIEU_JSON_MAX_DEPTH (64),
CHITIEU_UPLOAD_IDLE_MS (30000: a body that stalls this long is cut).`,
  sql: `chitieu sql — read-only SQL over the database

Usage: chitieu sql [QUERY] [--json | --csv] [--max-rows N]

With a QUERY, runs it and prints the result; without one, reads queries from the terminal
(end each with ;, .quit to leave). The database is opened read-only: nothing can be changed.
The views of the analyst contract (units, observations, targets, progress, …) are listed by
\`chitieu sql "show tables"\`.`,
  start: `chitieu start — initialise, load the demo if the database is empty, serve

Usage: chitieu start [--port N] [--host H] [--no-serve]

What \`npm start\` runs: \`chitieu init\`; then, when the database holds no figures at all, the
synthetic demo dataset (\`chitieu demo\`, labelled as synthetic everywhere it shows); then a
summary of units, catalogue, plans and figures; then \`chitieu serve\` (dashboards and API on
http://127.0.0.1:3000 unless --port/--host say otherwise). --no-serve stops after the summary.
A database with real figures is never given demo data.`,
  status: `chitieu status — the scorecard of a unit for a period

Usage: chitieu status --unit U --period P [--json]

  --unit U     a GSO code (read as the unit it named in that period), a unit id such as
               p91@2025-07-01, or VN for the whole country
  --period P   2024, 2024-Q3 (or "Quý III/2024"), 2024-07
  --json       the scorecard as JSON (the shape of GET /api/scorecard)

Every indicator with its actual, numerator/denominator and coverage, then each target that binds
the unit in that period with its source plan and clause and its status (in words, and in colour
on a terminal).`,
  token: `chitieu token — access tokens for the HTTP API

Usage: chitieu token create --role viewer|reporter|planner|analyst|admin [--unit U] [--label TEXT]
       chitieu token list [--json]
       chitieu token revoke ID

create   makes a token and prints it as the last line of standard output. It is shown once:
         only its hash is kept, in tokens.json beside the database (env CHITIEU_TOKENS).
         viewer reads; reporter reads and uploads figures (POST /api/ingest); planner reads and
         records the progress of tasks and procedures (POST /api/tasks/{plan}/{seq}/status);
         analyst reads and queries (POST /api/sql); admin does everything.
         --unit U   a reporter's or planner's unit (required for them, refused for other roles):
                    a GSO code, read as the unit it names today, a unit id such as
                    p91@2025-07-01, or VN. Uploads may hold figures for that unit and the units
                    under it only; a planner records for the plans of that unit, of the units
                    under it and of the units it continues across the 2025 reform.
                    When the database is in use (the server runs) the unit is stored as given
                    and the server resolves it at each use, refusing the token if it can't.
         --label T  who or what holds it (default: the role and unit); recorded with each batch
list     every token without its secret: id, role, unit, label, created, revoked
revoke   refuses the token (ID, or the token itself) from the server's next request on`,
  user: `chitieu user — browser accounts (the /login page)

Usage: chitieu user add --login L --role viewer|reporter|planner|analyst|admin [--unit U]
                        [--password-stdin]
       chitieu user list [--json]
       chitieu user disable LOGIN

add      makes an account. The roles are those of tokens (chitieu token --help); a reporter or a
         planner needs --unit U (a GSO code read as the unit it names today, a unit id such as
         p91@2025-07-01, or VN), stored as the unit's id. The password is read from standard
         input with --password-stdin (one line: at least 12 characters, not containing the
         login); without it a one-time password is printed as the last line of standard output,
         shown once, and must be changed at first sign-in. Passwords are kept only as scrypt
         hashes (core.accounts).
list     every account: login, role, unit, whether its password must change, created, disabled
disable  the account signs in no more; the server ends its sessions at once when disabled
         through it (POST /api/accounts/LOGIN/disable, admin token).
The command writes the database file itself; while \`chitieu serve\` holds it, use
GET/POST /api/accounts and POST /api/accounts/LOGIN/disable with an admin token instead.`,
  tasks: `chitieu tasks — the progress of the plans' tasks

Usage: chitieu tasks update FILE [FILE…] [--dry-run] [--by TEXT] [--encoding E] [--sheet NAME]
       chitieu tasks list [--plan P] [--status S] [--overdue] [--as-of YYYY-MM-DD] [--json]

update   records status changes from CSV or XLSX files, one row per change:
           plan_id       the plan (chitieu sql "select plan_id from plans")
           number | seq  the task's number as printed, with group when it repeats, or its
                         place in the plan (seq, 1 = first; see chitieu tasks list)
           status        planned | in_progress | done | cancelled (or Chưa thực hiện, Đang thực
                         hiện, Hoàn thành, Đã hủy)
           as_of         the day it took effect: 2025-03-31 or 31/03/2025; not after today
                         (Vietnam), not before the plan was issued
           note          what was done (may be empty)
           evidence_url  optional: an http(s) link to the evidence
           group         optional: the task's group, when its number repeats in the plan
         Vietnamese headers are read too (kế hoạch, số TT, trạng thái, ngày, ghi chú, minh
         chứng); title, name, lead and due_on columns are ignored. Every row is checked first
         and every problem reported with file, row, column and value; any problem records
         nothing (exit 1). Otherwise all rows are recorded in one transaction, kept in
         task_status_history with who (--by, default "cli (<user>)") and when; a task's
         current status is its latest change by as_of. The command writes the database file
         itself, as an admin would, for any plan; while \`chitieu serve\` runs it holds the
         database: use POST /api/tasks/{plan_id}/{seq}/status with a planner's token instead.
  --dry-run   check and report; record nothing
  --show N    how many problems to print (default 50)
list     every task with its status and the day it took effect, overdue ones first (due
         before today in Vietnam, neither done nor cancelled); --as-of reads them as of a day.

Essential procedures: chitieu procedures update|list, the same way.`,
  procedures: `chitieu procedures — the progress of the plans' essential procedures

Usage: chitieu procedures update FILE [FILE…] [--dry-run] [--by TEXT] [--encoding E] [--sheet NAME]
       chitieu procedures list [--plan P] [--status S] [--overdue] [--as-of YYYY-MM-DD] [--json]

update   records status changes from CSV or XLSX files, one row per change:
           plan_id       the plan (chitieu sql "select plan_id from plans")
           number | seq  the procedure's number as printed, or its place in the plan
                         (seq, 1 = first; see chitieu procedures list)
           status        planned | in_progress | done | cancelled (or Chưa thực hiện, Đang thực
                         hiện, Hoàn thành, Đã hủy)
           as_of         the day it took effect: 2025-03-31 or 31/03/2025; not after today
                         (Vietnam), not before the plan was issued
           note          what was done (may be empty)
           evidence_url  optional: an http(s) link to the evidence
         Vietnamese headers are read too (kế hoạch, số TT, trạng thái, ngày, ghi chú, minh
         chứng); title, name, lead and due_on columns are ignored. Every row is checked first
         and every problem reported with file, row, column and value; any problem records
         nothing (exit 1). Otherwise all rows are recorded in one transaction, kept in
         procedure_status_history with who (--by, default "cli (<user>)") and when; a procedure's
         current status is its latest change by as_of. The command writes the database file
         itself, as an admin would, for any plan; while \`chitieu serve\` runs it holds the
         database: use POST /api/procedures/{plan_id}/{seq}/status with a planner's token instead.
  --dry-run   check and report; record nothing
  --show N    how many problems to print (default 50)
list     every procedure with its status and the day it took effect, overdue ones first (due
         before today in Vietnam, neither done nor cancelled); --as-of reads them as of a day.

Plan tasks: chitieu tasks update|list, the same way.`,
  plans: `chitieu plans — plan files: import as versions, check, list

Usage: chitieu plans import FILE [FILE…] [--json] [--show N]
       chitieu plans check FILE [FILE…] [--json] [--show N]
       chitieu plans list [--json]

FILE is a plan in the YAML shape of indicators/plans/ (UTF-8; the fields are described in
indicators/plans/schema.ts and README.md there). No spreadsheet form: a plan's targets, tasks and
notes are nested lists that a form would flatten and lose.

import   checks every FILE, then stores them all in one transaction, or nothing. A file whose
         bytes are those of the plan's current version changes nothing (unchanged); a changed
         file is the plan's next version: targets keep their ids (<plan id>/<target id>), the
         old versions stay readable (views plan_versions and target_history), task and
         procedure status history stays with its tasks. The engine then re-evaluates every
         target and reporting duty. Initialises the database first (as chitieu init).
check    checks every FILE against the plans the database holds (read-only; the shipped plans
         when no database can be read) and says what an import would do. Writes nothing.
list     every plan with its current version, unit, document, targets, tasks and report day.

Problems are printed one a line, Vietnamese first, with the file and the path inside it:
  plan.yaml: targets.1.value: phải là một số (expected number): "85%"
Exit 0 when done (or valid), 1 when a file has problems (nothing imported), 2 on usage errors.
  --json     the report (or list) as JSON
  --show N   how many problems to print (default 50)`,
  template: `chitieu template — a template (biểu mẫu) to fill in for one unit and one period

Usage: chitieu template --unit U --period P [--format xlsx|csv] [--out FILE]

A workbook (or a UTF-8 CSV) with a row for the unit and, when a plan's reporting duty binds the
units under it, one for each child unit; the codes and the period filled in; a column per metric
that the targets binding those units need, headed by its Vietnamese label (whole numbers only),
and an instructions sheet. Filled in, it loads unchanged with \`chitieu ingest\` or on the
/upload page; a template left empty loads nothing. Prints the file written (default
bieu-mau-<code>-<period>.xlsx).`,
  approve: `chitieu approve — approve a period for a unit and the units under it

Usage: chitieu approve --unit U --period P [--note TEXT]

Locks the period's figures of the unit's subtree: a later revision is refused for reporters
(the message names this approval) and, loaded by an admin or the CLI, flagged (the pack's
differences table lists it). Approving again what is approved changes nothing. Prints the
approval's id. The API: POST /api/approvals {unit, period} (an admin, or a province's planner).`,
  units: `chitieu units import — load administrative units

Usage: chitieu units import FILE [FILE…]

FILE is either
  - a CSV with a header: code,name,level,parent_code,valid_from,valid_to (optional full_name,
    name_en); level is national|province|district|commune; dates are YYYY-MM-DD, empty for
    open; parent_code is read as the higher-level unit that code named when the unit began;
  - the JSON of the public dataset of Vietnamese units: the three-level list (province →
    District → Ward) is loaded as the map before 1/7/2025, the two-level list (province →
    Wards) as the map from 1/7/2025.
Each file loads whole or not at all; importing the same list again changes nothing.`,
} as const;
