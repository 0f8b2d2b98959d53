import { z } from 'zod';
import { usccSchemaWith } from '../../kernel/codes/zod.js';
import type { App } from '../../platform/http/app.js';
import { actorOf } from '../../platform/http/app.js';
import { OFFICER_ROLES, only, tenantOf } from '../../platform/http/auth.js';
import { CREDIT_LEVELS, DECREES, isBusinessDate } from './model.js';
import type { CreditService } from './service.js';

/** Who reads an enterprise's credit: the enterprise itself (its users and keys), every officer, the admin. */
export const CREDIT_READERS = [
  'platform_admin',
  ...OFFICER_ROLES,
  'enterprise_admin',
  'enterprise_operator',
  'api_key',
] as const;
/** Who lists every enterprise's level (信用管理): every officer and the admin, never an enterprise. */
export const CREDIT_LISTERS = ['platform_admin', ...OFFICER_ROLES] as const;
/** Who records credit decisions: customs officers (and the platform admin, for corrections). */
export const CREDIT_RECORDERS = ['customs', 'platform_admin'] as const;

const tags = ['credit 海关企业信用'];

const businessDate = z
  .string()
  .trim()
  .refine(isBusinessDate, { error: '日期应为 YYYY-MM-DD 格式的有效日期 / Expected a valid date written YYYY-MM-DD' });

const recordSchema = z.object({
  id: z.string(),
  uscc: z.string(),
  decree: z.enum(DECREES),
  level: z.enum(CREDIT_LEVELS),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  basis: z.string(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string(),
});

export type CreditRoutesOptions = {
  /** The operator's legacy-USCC exception list (filing's): listed codes pass although they fail the GB 32100 checks. */
  isUsccException?: (uscc: string) => boolean;
  /** Re-reads that list before the input is validated against it. */
  refreshUsccExceptions?: () => Promise<void>;
};

export function creditRoutes(app: App, credit: CreditService, opts: CreditRoutesOptions = {}): void {
  const uscc = usccSchemaWith(opts.isUsccException);
  const preValidation = opts.refreshUsccExceptions
    ? async () => {
        await opts.refreshUsccExceptions?.();
      }
    : undefined;

  app.get(
    '/api/v1/credit',
    {
      config: { access: only(CREDIT_LISTERS) },
      schema: {
        tags,
        summary:
          '信用管理: the filed enterprises with their customs credit level on a date, by level and by name or code',
        description:
          'The enterprises filed on the platform (approved at least once), ordered by name, with the level in force on ' +
          '`on` (default today, Asia/Shanghai) and the record it comes from (`record` null: no record in force, 常规). ' +
          '`level` (repeatable) keeps the enterprises at those levels; `general` includes those without a record. `q` ' +
          'matches part of the Chinese or English name, the USCC or the customs code. Officers and the platform admin.',
        querystring: z.strictObject({
          level: z.union([z.enum(CREDIT_LEVELS), z.array(z.enum(CREDIT_LEVELS)).max(CREDIT_LEVELS.length)]).optional(),
          q: z.string().trim().max(100).optional(),
          on: businessDate.optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(20),
        }),
        response: {
          200: z.object({
            on: z.string(),
            decree: z.enum(DECREES),
            items: z.array(
              z.object({
                uscc: z.string(),
                nameCn: z.string(),
                nameEn: z.string().nullable(),
                filingStatus: z.string(),
                level: z.enum(CREDIT_LEVELS),
                record: recordSchema.nullable(),
              }),
            ),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { level, q, ...rest } = req.query;
      return credit.list({
        ...rest,
        ...(q ? { q } : {}),
        ...(level === undefined ? {} : { level: Array.isArray(level) ? level : [level] }),
      });
    },
  );

  app.get(
    '/api/v1/credit/:uscc',
    {
      config: { access: only(CREDIT_READERS, 'uscc') },
      ...(preValidation ? { preValidation } : {}),
      schema: {
        tags,
        summary: "An enterprise's customs credit (企业信用等级): the level on a date (default today) and the history",
        description:
          'Levels: Decree 251 until 2026-03-31 (advanced 高级认证企业, general 常规, dishonest 失信企业); Decree 282 from ' +
          '2026-04-01 (adds certified 认证企业 and seriously-dishonest 严重失信企业). The record in force on a date is the ' +
          'one with the latest `validFrom` ≤ date whose `validTo` (inclusive) is absent or ≥ date, the latest recorded ' +
          'on a tie; `general` when none. Enterprise callers see only their own enterprise.',
        params: z.object({ uscc }),
        querystring: z.strictObject({ on: businessDate.optional() }),
        response: {
          200: z.object({
            uscc: z.string(),
            on: z.string(),
            decree: z.enum(DECREES),
            level: z.enum(CREDIT_LEVELS),
            record: recordSchema.nullable(),
            history: z.array(recordSchema),
          }),
        },
      },
    },
    async (req) => credit.standing(req.params.uscc, req.query.on, { showRecorder: tenantOf(req.principal) === null }),
  );

  app.post(
    '/api/v1/credit/records',
    {
      config: { access: only(CREDIT_RECORDERS) },
      ...(preValidation ? { preValidation } : {}),
      schema: {
        tags,
        summary: 'Record a customs credit level (登记企业信用等级)',
        description:
          'The level must exist under the decree in force on `validFrom` (certified and seriously-dishonest only from ' +
          '2026-04-01); `validTo` is the last day in force (inclusive) and not before `validFrom` (422 otherwise). ' +
          'Records may overlap: the newest wins.',
        body: z.strictObject({
          uscc,
          level: z.enum(CREDIT_LEVELS),
          validFrom: businessDate,
          validTo: businessDate.nullable().optional(),
          basis: z.string().trim().min(1).max(2000),
        }),
        response: { 201: z.object({ record: recordSchema }) },
      },
    },
    async (req, reply) => reply.status(201).send({ record: await credit.record(actorOf(req), req.body) }),
  );
}
