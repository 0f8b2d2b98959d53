import { shanghaiDate } from '../../kernel/time.js';
import type { App } from '../../platform/http/app.js';
import { only } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import { estimateTax } from './rules/import/estimate.js';
import { taxEstimateInputSchema, taxEstimateResultSchema } from './schemas.js';
import type { ReferenceTables } from './tables/reference-tables.js';

const tags = ['clearance 通关'];
/** The tables an estimate reads: `x-cbec-tables: sample` when any of them is a sample. */
const ESTIMATE_KINDS = ['tariff-rates', 'positive-list', 'exchange-rates'] as const;

/**
 * `POST /api/v1/tax/estimate`: the tax a basket would bear at checkout (跨境电商综合税), from the same code that
 * assesses declared lists, over the rate tables in force today (Asia/Shanghai). The tables are read from the registry
 * at each request, so that an imported table applies at once.
 */
export function clearanceRoutes(app: App, deps: { tables: Pick<ReferenceTables, 'current'> }): void {
  app.post(
    '/api/v1/tax/estimate',
    {
      config: {
        access: only(['api_key', 'enterprise_admin', 'enterprise_operator', 'customs', 'tax', 'platform_admin']),
      },
      schema: {
        tags,
        summary: 'Estimate the cross-border retail import tax of a basket (税费试算)',
        description:
          'Amounts are decimal strings in RMB. Within the limits (5,000 per order, 26,000 per year) the tariff is 0 and ' +
          'VAT and consumption tax are 70% of the statutory amounts; one indivisible item over 5,000 is taxed in full; ' +
          'otherwise `rejected` with the customs reason. The response header `x-cbec-tables` says `sample` while the ' +
          'platform runs on its labelled sample tables, not the official ones.',
        body: taxEstimateInputSchema,
        response: { 200: taxEstimateResultSchema },
      },
    },
    async (req, reply) => {
      const { tables, versions } = deps.tables.current();
      const sample = ESTIMATE_KINDS.some((k) => versions[k].isSample);
      reply.header('x-cbec-tables', sample ? 'sample' : 'operator');
      try {
        return estimateTax(req.body, tables, undefined, { on: shanghaiDate(new Date()) });
      } catch (e) {
        // a rate the tables do not have, or an amount beyond N19,5, is the caller's input
        throw new AppError(
          422,
          'NOT_ESTIMABLE',
          '无法试算：' + (e as Error).message,
          `Cannot estimate: ${(e as Error).message}`,
        );
      }
    },
  );
}
