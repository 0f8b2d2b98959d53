import { z } from 'zod';
import type { App } from '../../platform/http/app.js';
import { actorOf } from '../../platform/http/app.js';
import { OFFICER_ROLES, only, tenantOf } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import { CONSENT_SCOPES, QuotaCheckThrottled } from './rules/import/quota-check.js';
import { LIST_STATUSES } from './rules/list-statuses.js';
import { amountSchema, positiveDecimalSchema } from './schemas.js';
import type { ClearanceService } from './service.js';

const tags = ['clearance 通关'];
const ENTERPRISES = ['enterprise_admin', 'enterprise_operator', 'api_key'] as const;
const READERS = ['platform_admin', ...OFFICER_ROLES, ...ENTERPRISES] as const;
const idParam = z.object({ id: z.uuid() });
const page = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份格式为 YYYY-MM / month must be YYYY-MM' });
const code = z.string().trim().min(1).max(60);

const listView = z.object({
  id: z.string(),
  invtNo: z.string().nullable(),
  orderNo: z.string(),
  ebpCode: z.string(),
  ebcCode: z.string(),
  agentCode: z.string(),
  copNo: z.string(),
  logisticsCode: z.string(),
  logisticsNo: z.string(),
  tradeMode: z.string(),
  status: z.string(),
  returnStatus: z.string(),
  declaredOn: z.string(),
  releasedAt: z.string().nullable(),
  amount: z.string().nullable(),
  tax: z.object({ customsTax: z.string(), valueAddedTax: z.string(), consumptionTax: z.string() }).nullable(),
  decision: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
  events: z
    .array(
      z.object({
        id: z.number(),
        kind: z.string(),
        returnStatus: z.string().nullable(),
        actor: z.string(),
        detail: z.unknown(),
        at: z.string(),
      }),
    )
    .optional(),
  returns: z.array(z.unknown()).optional(),
  taxBill: z.unknown().optional(),
});

const quotaCheckBody = z
  .strictObject({
    buyerName: z.string().trim().min(1).max(60),
    buyerIdType: z.literal('1'),
    buyerIdNumber: z.string().trim().min(15).max(18),
    /** The order's amount to check (RMB, to the fen); optional only when the buyer asked for the amount left. */
    amount: positiveDecimalSchema
      .refine((v) => !v.includes('.') || v.split('.')[1]!.length <= 2, {
        error: '金额精确到分（最多 2 位小数）/ the amount is in fen (at most 2 decimals)',
      })
      .optional(),
    consent: z
      .strictObject({
        reference: z
          .string()
          .trim()
          .min(1)
          .max(64)
          .describe("The enterprise's own reference of the buyer's consent record (one buyer per reference)"),
        givenAt: z.iso.datetime({ offset: true }).describe('When the buyer gave it (at most 24 hours ago)'),
        scope: z
          .enum(CONSENT_SCOPES)
          .default('fits')
          .describe('fits: whether an order fits; remaining: the buyer also asked for the amount left'),
      })
      .optional()
      .describe("The buyer's consent as the enterprise attests it: needed for a buyer of none of its declared orders"),
  })
  .superRefine((b, ctx) => {
    if (b.amount === undefined && b.consent?.scope !== 'remaining') {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: '请填写本次订单金额：预检只回答该金额是否在额度内（购买人要求查看剩余额度时除外）',
        params: {
          messageEn: 'Give the amount: the check answers whether it fits (unless the buyer asked for the amount left)',
          code: 'REQUIRED',
        },
      });
    }
  });

const quotaAnswerSchema = z.object({
  year: z.number().int(),
  annualLimit: z.string(),
  singleLimit: z.string(),
  basis: z.enum(['order', 'consent']),
  consentReference: z.string().optional(),
  amount: z.string().optional(),
  fits: z.boolean().optional(),
  exceeds: z.array(z.enum(['single-limit', 'annual-limit'])).optional(),
  remaining: z.string().optional().describe("Only when the buyer's consent asked for it"),
});

const taxBillSchema = z.object({
  taxNo: z.string(),
  invtNo: z.string(),
  assureCode: z.string(),
  ebcCode: z.string(),
  customsTax: z.string(),
  valueAddedTax: z.string(),
  consumptionTax: z.string(),
  total: z.string(),
  netted: z.string(),
  payable: z.string(),
  status: z.string().describe('1 已生成, 2 已汇总, 3 作废'),
  releasedOn: z.string(),
  dueFrom: z.string(),
  dueTo: z.string(),
  entDutyNo: z.string().nullable(),
  items: z.unknown().describe("The bill's lines (CEB816 TaxListRd)"),
});

const replaySide = z.object({
  outcome: z.string(),
  reasons: z.array(z.string()),
  draw: z.string().nullable(),
  tax: z.string().nullable(),
  rulesVersion: z.string(),
});

/** The tenant of an enterprise caller, or a 400 when an officer must name the enterprise. */
function enterpriseOf(tenant: string | null, named: string | undefined): string {
  const uscc = tenant ?? named;
  if (!uscc) {
    throw new AppError(400, 'ENTERPRISE_REQUIRED', '请指定企业（uscc）', 'Name the enterprise (uscc)', [
      { path: 'uscc', message: '必填', messageEn: 'required' },
    ]);
  }
  return uscc;
}

/** The clearance engine's lists, officers' decisions, tax bills and consolidated payment, bonded stock, quota. */
export function clearanceListRoutes(app: App, svc: ClearanceService): void {
  app.get(
    '/api/v1/clearance/lists',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: 'Import lists under clearance (清单通关状态); enterprises see the lists they are party to',
        querystring: z.strictObject({
          status: z.enum(LIST_STATUSES).optional(),
          q: z.string().trim().min(1).max(60).optional(),
          ...page,
        }),
        response: {
          200: z.object({ items: z.array(listView), total: z.number(), page: z.number(), pageSize: z.number() }),
        },
      },
    },
    async (req) => ({
      ...(await svc.lists(tenantOf(req.principal), req.query)),
      page: req.query.page,
      pageSize: req.query.pageSize,
    }),
  );

  app.get(
    '/api/v1/clearance/lists/:id',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: 'One list: its decision with reasons, rules, data versions and seed; events, returns, tax bill',
        params: idParam,
        response: { 200: listView },
      },
    },
    async (req) => {
      const d = await svc.listDetail(tenantOf(req.principal), req.params.id);
      if (!d) throw AppError.notFound('list', '清单');
      return d;
    },
  );

  app.get(
    '/api/v1/clearance/lists/:id/replay',
    {
      config: { access: only(['customs', 'platform_admin']) },
      schema: {
        tags,
        summary:
          "Replay the engine's decision on a list from what it recorded (rules, table versions, credit, quota, seed): " +
          'does it come out the same?',
        params: idParam,
        response: { 200: z.object({ recorded: replaySide, replayed: replaySide, same: z.boolean() }) },
      },
    },
    async (req) => {
      const r = await svc.replay(req.params.id);
      if (!r) throw AppError.notFound('list', '清单');
      return r;
    },
  );

  app.post(
    '/api/v1/clearance/lists/:id/decision',
    {
      config: { access: only(['customs']) },
      schema: {
        tags,
        summary: 'A customs officer settles a list in manual review (300) or inspection (500): release or reject',
        params: idParam,
        body: z.strictObject({
          decision: z.enum(['release', 'reject']),
          note: z.string().trim().min(1, { message: '请填写审核意见 / a note is required' }).max(500),
        }),
        response: { 200: listView },
      },
    },
    async (req) => svc.officerDecide(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/api/v1/clearance/returns/:id/arrival',
    {
      config: { access: only(['customs']) },
      schema: {
        tags,
        summary: "A customs officer confirms a return's goods are back at the site (when no CEB711 came)",
        params: idParam,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await svc.confirmArrival(actorOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/tax/bills',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: 'Electronic tax bills (电子税单, CEB816) with their status (1 已生成, 2 已汇总, 3 作废)',
        querystring: z.strictObject({ status: z.enum(['1', '2', '3']).optional(), month: month.optional(), ...page }),
        response: {
          200: z.object({ items: z.array(taxBillSchema), total: z.number(), page: z.number(), pageSize: z.number() }),
        },
      },
    },
    async (req) => ({
      ...(await svc.taxBills(tenantOf(req.principal), req.query)),
      page: req.query.page,
      pageSize: req.query.pageSize,
    }),
  );

  app.get(
    '/api/v1/tax/due',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary:
          "A guarantor's consolidated tax for a month (汇总征税): bills whose days 31-45 after release open in the month, " +
          'netted by returns, voided by cancellations',
        querystring: z.strictObject({ month, uscc: z.string().length(18).optional() }),
        response: {
          200: z.object({
            month: z.string(),
            bills: z.array(taxBillSchema),
            totals: z.object({
              assessed: z.string(),
              netted: z.string(),
              voided: z.string(),
              payable: z.string(),
              consolidated: z.string(),
            }),
            window: z.object({ from: z.string(), to: z.string() }).nullable(),
          }),
        },
      },
    },
    async (req) => svc.taxDue(enterpriseOf(tenantOf(req.principal), req.query.uscc), req.query.month),
  );

  app.post(
    '/api/v1/tax/consolidations',
    {
      config: { access: only(['enterprise_admin', 'api_key']) },
      schema: {
        tags,
        summary: "The guarantor pays a month's consolidated tax: open bills whose window began become 已汇总 (CEB818)",
        body: z.strictObject({ month }),
        response: {
          200: z.object({
            month: z.string(),
            entDutyNo: z.string().nullable().describe('The payment number (缴款书编号); null when nothing was due'),
            bills: z.number().int(),
            paid: z.string(),
          }),
        },
      },
    },
    async (req) => svc.consolidate(actorOf(req), tenantOf(req.principal) as string, req.body.month),
  );

  app.post(
    '/api/v1/bonded/entries',
    {
      config: { access: only(['enterprise_admin', 'enterprise_operator', 'api_key', 'customs']) },
      schema: {
        tags,
        summary: 'Goods entering the bonded warehouse (1210 入区): raise the stock per item, once per entry number',
        body: z.strictObject({
          areaCode: z.string().trim().min(1).max(18),
          entryNo: code,
          items: z
            .array(
              z.strictObject({
                itemRecordNo: z.string().trim().min(1).max(30),
                gcode: z.string().regex(/^\d{10}$/, { message: '商品编码为 10 位数字 / gcode has 10 digits' }),
                gname: z.string().trim().min(1).max(250),
                qty: amountSchema.refine((v) => Number(v) > 0, { message: '数量须大于 0 / qty must be positive' }),
              }),
            )
            .min(1)
            .max(500)
            .superRefine((items, ctx) => {
              const seen = new Set<string>();
              items.forEach((item, i) => {
                if (seen.has(item.itemRecordNo)) {
                  ctx.addIssue({
                    code: 'custom',
                    path: [i, 'itemRecordNo'],
                    message: `料号 ${item.itemRecordNo} 重复，请合并数量 / item record ${item.itemRecordNo} is repeated: add up its quantities`,
                  });
                }
                seen.add(item.itemRecordNo);
              });
            }),
        }),
        response: { 201: z.object({ areaCode: z.string(), entryNo: z.string(), repeated: z.boolean() }) },
      },
    },
    async (req, reply) => {
      const tenant = tenantOf(req.principal);
      if (tenant !== null && !(await svc.isWarehouse(tenant, req.body.areaCode))) {
        throw new AppError(
          403,
          'NOT_THE_WAREHOUSE',
          `只有区内仓储企业 ${req.body.areaCode} 本身可以报告入区`,
          `Only the warehouse ${req.body.areaCode} itself may report its entries`,
          [{ path: 'areaCode', message: '不是本企业', messageEn: 'not your enterprise' }],
        );
      }
      return reply.status(201).send(await svc.addStockEntry(actorOf(req), req.body));
    },
  );

  app.get(
    '/api/v1/bonded/stock',
    {
      config: {
        access: only(['enterprise_admin', 'enterprise_operator', 'api_key', ...OFFICER_ROLES, 'platform_admin']),
      },
      schema: {
        tags,
        summary: 'Bonded stock per item (保税库存); a warehouse sees its own',
        querystring: z.strictObject({ areaCode: code.optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                areaCode: z.string(),
                itemRecordNo: z.string(),
                gcode: z.string(),
                gname: z.string(),
                qty: z.string(),
                updatedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const tenant = tenantOf(req.principal);
      const areas = tenant ? await svc.codesOf(tenant) : req.query.areaCode ? [req.query.areaCode] : null;
      return { items: await svc.stock(areas) };
    },
  );

  app.post(
    '/api/v1/quota/check',
    {
      config: { access: only(['api_key', 'enterprise_admin', 'enterprise_operator']) },
      schema: {
        tags,
        summary:
          "Checkout pre-check of a buyer's annual quota (个人年度额度预检): does this amount fit? Need to know only",
        description:
          'Only an enterprise filed as e-commerce platform or e-commerce enterprise (ebp/ebc, else 403 NOT_EBP_OR_EBC), ' +
          'only for a buyer of one of its own declared orders, or with the buyer’s consent as the enterprise attests ' +
          'it (`consent`: its own reference of the consent record, when it was given — at most 24 hours ago — and ' +
          'what the buyer agreed to; one reference names one buyer, else 409), else 403 NO_BASIS. The answer says ' +
          'whether `amount` fits the single and annual limits, with the limits; the amount left only when the ' +
          'consent’s scope is `remaining` (the buyer asked for it). Never the purchases. Rate-limited per enterprise ' +
          'per minute and per enterprise and buyer per day (429 with Retry-After); every check is audited with the ' +
          "buyer's keyed hash only.",
        body: quotaCheckBody,
        response: { 200: quotaAnswerSchema },
      },
    },
    async (req, reply) => {
      try {
        return await svc.quotaCheck(actorOf(req), tenantOf(req.principal) as string, req.body);
      } catch (e) {
        if (e instanceof QuotaCheckThrottled) reply.header('retry-after', String(e.retryAfterSeconds));
        throw e;
      }
    },
  );
}
