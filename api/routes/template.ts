// GET /api/template?unit=&period=&format=xlsx|csv: the template (biểu mẫu) of one unit and one
// period (indicators/template.ts) as a download. A read: whoever may read the dashboards may take
// one; filling it in and uploading it is what needs a reporter.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findUnit } from '../../pipelines/normalize/lookup.ts';
import { periodEnd } from '../../pipelines/normalize/periods.ts';
import {
  buildTemplate,
  templateCsv,
  templateFileName,
  templateXlsx,
} from '../../indicators/template.ts';
import { errors, periodParam, unitParam } from '../schemas/common.ts';

const templateQuery = z.object({
  unit: unitParam,
  period: periodParam(),
  format: z.enum(['xlsx', 'csv']).default('xlsx').describe('xlsx (default) or csv (UTF-8)'),
});

const CONTENT_TYPE = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

const route: FastifyPluginAsyncZod = async (fastify) => {
  fastify.get(
    '/api/template',
    {
      schema: {
        tags: ['data'],
        summary: 'A template to fill in for one unit and one period',
        description:
          'A workbook (or CSV) with a row for the unit and for each child unit it reports for, ' +
          'the codes and the period filled in, and a column per metric that the targets binding ' +
          'those units need, headed by its Vietnamese label; whole numbers only. Filled in, it ' +
          'uploads unchanged through POST /api/ingest or the /upload page.',
        querystring: templateQuery,
        response: { 200: z.any().describe('the file'), ...errors },
      },
    },
    async (request, reply) => {
      const { unit: unitText, period, format } = request.query;
      const index = await fastify.warehouse.units();
      const unit = findUnit(index, unitText, periodEnd(period));
      const template = await fastify.warehouse.read((db) => buildTemplate(db, index, unit, period));
      const body =
        format === 'csv'
          ? Buffer.from(templateCsv(template), 'utf8')
          : await templateXlsx(template);
      return reply
        .header('content-type', CONTENT_TYPE[format])
        .header(
          'content-disposition',
          `attachment; filename="${templateFileName(template, format)}"`,
        )
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
};

export default route;
