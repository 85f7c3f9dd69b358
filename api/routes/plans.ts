// GET /api/plans and /api/plans/:plan_id: the encoded plans, one plan with all it contains; and
// POST /api/plans (admin): a plan file, as its YAML body, checked and stored as the plan's next
// version through the import `chitieu plans import` uses. Every POST is audited.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { loadCatalogue } from '../../indicators/catalogue/load.ts';
import { importPlans, type ImportReport } from '../../indicators/plans/import.ts';
import { errorSchema, errors } from '../schemas/common.ts';
import {
  planImportDescription,
  planImportQuery,
  planImportReportSchema,
  planParams,
  planRejectionSchema,
  planResponse,
  plansResponse,
} from '../schemas/plans.ts';
import { listPlans, planDetail } from '../services/plans.ts';

/** The media types a plan file may come as: YAML is text, and curl's default is text/plain. */
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** The name a client gave the file, as recorded: its last path segment, printable. */
function fileName(given: string | undefined): string {
  const name = [...(given ?? '').split(/[/\\]/).pop()!.normalize('NFC')]
    .filter((c) => c >= ' ' && c !== '\u007f')
    .join('')
    .trim();
  return name || 'upload.yaml';
}

/** What the audit keeps of an import: the file, and what became of each plan in it. */
const importDetail = (name: string, r: ImportReport) => ({
  file: name,
  outcome: r.status,
  plans: r.plans.map((p) => ({
    plan_id: p.plan_id,
    status: p.status,
    version: p.version,
    sha256: p.sha256,
  })),
  ...(r.problems.length ? { problems: r.problems.length } : {}),
});

const plans: FastifyPluginAsyncZod = async (fastify) => {
  // this plugin's routes read a plan file as bytes (hashed as received): YAML and plain text only
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    [...YAML_TYPES, 'text/plain'],
    { parseAs: 'buffer', bodyLimit: fastify.config.bodyLimit },
    (_request, body, done) => done(null, body),
  );
  fastify.get(
    '/api/plans',
    {
      schema: {
        tags: ['plans'],
        summary: 'Plans, with how many targets, tasks, procedures and notes each holds',
        response: { 200: plansResponse, ...errors },
      },
    },
    async (request, reply) =>
      fastify.responses.send(request, reply, () => fastify.warehouse.read((db) => listPlans(db))),
  );

  fastify.get(
    '/api/plans/:plan_id',
    {
      schema: {
        tags: ['plans'],
        summary: 'One plan: targets, tasks, procedures, notes and lineage',
        description: 'Notes record the document’s inconsistencies, never fixed silently.',
        params: planParams,
        response: { 200: planResponse, ...errors },
      },
    },
    async (request, reply) =>
      fastify.responses.send(request, reply, () =>
        fastify.warehouse.read((db) => planDetail(db, undefined, request.params)),
      ),
  );

  fastify.post(
    '/api/plans',
    {
      config: { access: 'admin', action: 'plans.import' },
      schema: {
        tags: ['plans'],
        summary: 'Import a plan file as a new version (admin)',
        description: planImportDescription,
        consumes: [...YAML_TYPES, 'text/plain'],
        security: [{ bearer: [] }],
        querystring: planImportQuery,
        response: {
          201: planImportReportSchema.describe('imported: the plan’s new version is stored'),
          200: planImportReportSchema.describe('unchanged (nothing written), or a dry run'),
          ...errors,
          413: errorSchema,
          415: errorSchema,
          422: planRejectionSchema.describe(
            'rejected: every problem with its path; nothing written',
          ),
        },
      },
    },
    async (request, reply) => {
      // auth ran first: an admin
      const principal = request.principal!;
      const name = fileName(request.query.file);
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        await fastify.audit(request, {
          action: 'plans.import',
          status: 400,
          detail: { file: name, error: 'INVALID_REQUEST' },
        });
        return reply.code(400).send({
          error: {
            code: 'INVALID_REQUEST',
            message: 'send the plan file (YAML) as the request body, content-type application/yaml',
          },
        });
      }
      const files = [{ name, bytes: body }];
      const options = {
        catalogue: loadCatalogue(),
        origin: 'api' as const,
        importedBy: `token:${principal.token_id} (${principal.label})`,
        checkOnly: request.query.dry_run ?? false,
      };
      // a check only reads: it need not wait behind the writes
      const report = options.checkOnly
        ? await fastify.warehouse.read((db) => importPlans(db, files, options))
        : await fastify.warehouse.write((db) => importPlans(db, files, options));
      const status = report.status === 'rejected' ? 422 : report.status === 'imported' ? 201 : 200;
      await fastify.audit(request, {
        action: 'plans.import',
        status,
        detail: importDetail(name, report),
      });
      if (status !== 422) return reply.code(status).send(report);
      return reply.code(422).send({
        ...report,
        error: {
          code: 'PLAN_REJECTED',
          message: `${name}: ${report.problems.length} problem(s); nothing was imported`,
        },
      });
    },
  );
};

export default plans;
