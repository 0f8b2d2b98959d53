import { z } from 'zod';
import { isBusinessDate } from '../../kernel/time.js';
import { type App, actorOf } from '../../platform/http/app.js';
import { OFFICER_ROLES, only } from '../../platform/http/auth.js';
import type { OverseasWarehouses } from './overseas-warehouses.js';

const tags = ['filing 企业备案'];
const params = z.object({ uscc: z.string().min(1).max(18) });

const businessDate = z.string().refine(isBusinessDate, {
  error: '日期格式应为 YYYY-MM-DD 的真实日期 / a real date written YYYY-MM-DD',
});
const country = z
  .string()
  .regex(/^\d{3}$/, { error: '国别代码为 3 位数字（海关参数） / a 3-digit customs country code' });
const paging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

export const warehouseSchema = z.object({
  id: z.string(),
  code: z.string(),
  operator: z.object({ uscc: z.string(), nameCn: z.string().nullable() }),
  nameCn: z.string(),
  country: z.string(),
  address: z.string(),
  areaM2: z.string(),
  goodsCategories: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string(),
  status: z.enum(['active', 'scheduled', 'expired', 'withdrawn']),
  createdAt: z.string(),
  withdrawnOn: z.string().nullable(),
  withdrawReason: z.string().nullable(),
});
const page = z.object({ items: z.array(warehouseSchema), total: z.number(), page: z.number(), pageSize: z.number() });

/**
 * Overseas warehouses (海外仓备案): the operator's administrator files and withdraws them; the operator's users
 * and every officer read them; customs, commerce and the admin search all filings.
 */
export function overseasWarehouseRoutes(app: App, warehouses: OverseasWarehouses): void {
  app.get(
    '/api/v1/overseas-warehouses',
    {
      config: { access: only(['platform_admin', ...OFFICER_ROLES]) },
      schema: {
        tags,
        summary: 'Every filed overseas warehouse (海外仓备案), newest first',
        querystring: z.strictObject({
          operator: z.string().trim().toUpperCase().min(1).max(18).optional(),
          country: country.optional(),
          ...paging,
        }),
        response: { 200: page },
      },
    },
    async (req) => warehouses.list({ ...req.query, operatorUscc: req.query.operator }),
  );
  app.get(
    '/api/v1/enterprises/:uscc/overseas-warehouses',
    {
      config: {
        access: only(
          ['enterprise_admin', 'enterprise_operator', 'api_key', 'platform_admin', ...OFFICER_ROLES],
          'uscc',
        ),
      },
      schema: {
        tags,
        summary: 'The overseas warehouses an enterprise filed (本企业海外仓)',
        params,
        querystring: z.strictObject({ country: country.optional(), ...paging }),
        response: { 200: page },
      },
    },
    async (req) => warehouses.list({ ...req.query, operatorUscc: req.params.uscc }),
  );
  app.post(
    '/api/v1/enterprises/:uscc/overseas-warehouses',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary:
          'File an overseas warehouse (海外仓备案): where 9810 exports (跨境电商出口海外仓) go; by an enterprise filed as ' +
          'overseas-warehouse operator or e-commerce enterprise',
        params,
        body: z.strictObject({
          nameCn: z.string().trim().min(1).max(200),
          country,
          address: z.string().trim().min(1).max(500),
          areaM2: z.string().trim().max(20),
          goodsCategories: z.array(z.string().trim().max(4)).min(1).max(100),
          validFrom: businessDate,
          validTo: businessDate,
        }),
        response: { 201: z.object({ warehouse: warehouseSchema }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ warehouse: await warehouses.file(actorOf(req), req.params.uscc, req.body) }),
  );
  app.post(
    '/api/v1/enterprises/:uscc/overseas-warehouses/:id/withdrawal',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary: 'Withdraw an overseas-warehouse filing from today on (撤销海外仓备案)',
        params: params.extend({ id: z.uuid() }),
        body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
        response: { 200: z.object({ warehouse: warehouseSchema }) },
      },
    },
    async (req) => ({
      warehouse: await warehouses.withdraw(actorOf(req), req.params.uscc, req.params.id, req.body.reason),
    }),
  );
}
