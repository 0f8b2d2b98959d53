import { z } from 'zod';
import type { App } from '../../platform/http/app.js';
import { actorOf } from '../../platform/http/app.js';
import { anyone, OFFICER_ROLES, only } from '../../platform/http/auth.js';
import { noContent } from '../../platform/http/openapi.js';
import { DECISIONS, FILING_ROLES, FILING_STATUSES } from './model.js';
import {
  changeRequestSchema,
  enterpriseViewSchema,
  filingSchema,
  resubmissionSchema,
  signedRecordSchema,
} from './schemas.js';
import type { FilingService } from './service.js';
import { CERTIFICATE_TRUST } from './trust-model.js';

/** Officers who decide on filings: customs and commerce (the zone's filing authorities). */
export const FILING_DECIDERS = ['customs', 'commerce'] as const;
const READERS = ['platform_admin', ...OFFICER_ROLES, 'enterprise_admin', 'enterprise_operator', 'api_key'] as const;

const usccParam = z.object({ uscc: z.string().min(1).max(18) });
const one = z.object({ enterprise: enterpriseViewSchema });
const tags = ['filing 企业备案'];

export function filingRoutes(app: App, filing: FilingService): void {
  app.post(
    '/api/v1/enterprises',
    {
      config: { access: anyone },
      // The legacy-USCC exception list is read fresh before the body is validated against it.
      preValidation: async () => filing.refreshExceptions(),
      schema: {
        tags,
        summary:
          'File an enterprise (企业备案申请). Anonymous applicants must give `account` (their enterprise admin).',
        body: filingSchema(filing.isUsccException),
        response: { 201: one },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ enterprise: await filing.submit(req.principal, actorOf(req), req.body) }),
  );

  app.get(
    '/api/v1/enterprises',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: 'Filed enterprises (备案企业列表); enterprise callers see only their own',
        querystring: z.strictObject({
          status: z.union([z.enum(FILING_STATUSES), z.array(z.enum(FILING_STATUSES))]).optional(),
          role: z.enum(FILING_ROLES).optional(),
          q: z.string().trim().max(100).optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(20),
        }),
        response: {
          200: z.object({
            items: z.array(enterpriseViewSchema),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { status, ...rest } = req.query;
      return filing.list(req.principal, {
        ...rest,
        status: status === undefined ? undefined : Array.isArray(status) ? status : [status],
      });
    },
  );

  app.get(
    '/api/v1/enterprises/:uscc',
    {
      config: { access: only(READERS, 'uscc') },
      schema: { tags, summary: 'One filing (备案详情)', params: usccParam, response: { 200: one } },
    },
    async (req) => ({ enterprise: await filing.get(req.principal, req.params.uscc) }),
  );

  app.get(
    '/api/v1/enterprises/:uscc/history',
    {
      config: { access: only(READERS, 'uscc') },
      schema: {
        tags,
        summary: "A filing's history (备案历史)",
        params: usccParam,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                action: z.string(),
                fromStatus: z.string().nullable(),
                toStatus: z.string(),
                reason: z.string().nullable(),
                actorRole: z.string().nullable(),
                at: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await filing.history(req.principal, req.params.uscc) }),
  );

  app.post(
    '/api/v1/enterprises/:uscc/decisions',
    {
      config: { access: only(FILING_DECIDERS) },
      schema: {
        tags,
        summary: 'Decide on a filing (审核决定): approve, reject, suspend, reinstate, revoke',
        params: usccParam,
        body: z.strictObject({ action: z.enum(DECISIONS), reason: z.string().max(500).optional() }),
        response: { 200: one },
      },
    },
    async (req) => ({
      enterprise: await filing.decide(req.principal, actorOf(req), req.params.uscc, req.body.action, req.body.reason),
    }),
  );

  app.post(
    '/api/v1/enterprises/:uscc/change-requests',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary: 'Request a change of an approved filing (备案变更申请)',
        params: usccParam,
        body: changeRequestSchema,
        response: { 200: one },
      },
    },
    async (req) => ({ enterprise: await filing.requestChange(req.principal, actorOf(req), req.params.uscc, req.body) }),
  );

  app.post(
    '/api/v1/enterprises/:uscc/resubmission',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary: 'Resubmit a rejected filing (驳回后重新提交)',
        params: usccParam,
        body: resubmissionSchema,
        response: { 200: one },
      },
    },
    async (req) => ({ enterprise: await filing.resubmit(req.principal, actorOf(req), req.params.uscc, req.body) }),
  );

  app.get(
    '/api/v1/enterprises/:uscc/record',
    {
      config: {
        access: only(
          ['platform_admin', ...OFFICER_ROLES, 'enterprise_admin', 'enterprise_operator', 'api_key'],
          'uscc',
        ),
      },
      schema: {
        tags,
        summary: 'The signed filing record for other zones (一地备案、全国共享: 签名备案记录)',
        params: usccParam,
        response: { 200: signedRecordSchema },
      },
    },
    async (req) => filing.exportRecord(req.principal, req.params.uscc),
  );

  app.post(
    '/api/v1/enterprises/imports',
    {
      config: { access: only(FILING_DECIDERS) },
      schema: {
        tags,
        summary: "Import another zone's signed filing record (导入异地备案)",
        body: signedRecordSchema,
        response: { 201: one },
      },
    },
    async (req, reply) => reply.status(201).send({ enterprise: await filing.importRecord(actorOf(req), req.body) }),
  );

  // ---- signing certificates (加签) ----
  const certificateSchema = z.object({
    id: z.string(),
    serialHex: z.string(),
    fingerprint: z.string(),
    algorithm: z.string(),
    subject: z.string(),
    notBefore: z.string(),
    notAfter: z.string(),
    addedAt: z.string(),
    revokedAt: z.string().nullable(),
    /** ca: a trusted CA issued it; approved: customs approved it; pending: waits for customs; rejected. */
    trust: z.enum(CERTIFICATE_TRUST),
    caId: z.string().nullable(),
    caLabel: z.string().nullable(),
    pendingReason: z.enum(['self-signed', 'unknown-issuer']).nullable(),
    reviewedAt: z.string().nullable(),
    reviewNote: z.string().nullable(),
  });
  app.get(
    '/api/v1/enterprises/:uscc/certificates',
    {
      config: { access: only(READERS, 'uscc') },
      schema: {
        tags,
        summary: "The enterprise's signing certificates (签名证书)",
        params: usccParam,
        response: { 200: z.object({ items: z.array(certificateSchema) }) },
      },
    },
    async (req) => ({ items: await filing.listCertificates(req.principal, req.params.uscc) }),
  );
  app.post(
    '/api/v1/enterprises/:uscc/certificates',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary:
          'Register a signing certificate (登记签名证书): X.509, SM2 or RSA, PEM or Base64 DER, naming the enterprise',
        params: usccParam,
        body: z.strictObject({ certificate: z.string().min(100).max(20_000) }),
        response: {
          201: z.object({
            certificate: certificateSchema.extend({
              /** Why it is trusted at once, or waits for customs (self-signed, unknown issuer). */
              trustReason: z.object({ zh: z.string(), en: z.string() }),
            }),
          }),
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send({
        certificate: await filing.addCertificate(req.principal, actorOf(req), req.params.uscc, req.body.certificate),
      }),
  );
  app.delete(
    '/api/v1/enterprises/:uscc/certificates/:id',
    {
      config: { access: only(['enterprise_admin', 'customs'], 'uscc') },
      schema: {
        tags,
        summary: 'Revoke a signing certificate',
        params: z.object({ uscc: z.string().min(1).max(18), id: z.uuid() }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await filing.revokeCertificate(req.principal, actorOf(req), req.params.uscc, req.params.id);
      return reply.status(204).send();
    },
  );
  app.put(
    '/api/v1/enterprises/:uscc/signature-policy',
    {
      config: { access: only(['enterprise_admin', 'customs'], 'uscc') },
      schema: {
        tags,
        summary: 'Require a signature on every message of this enterprise (全部报文加签)',
        params: usccParam,
        body: z.strictObject({ requireSignature: z.boolean() }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await filing.setSignaturePolicy(req.principal, actorOf(req), req.params.uscc, req.body.requireSignature);
      return reply.status(204).send();
    },
  );

  // ---- trusted zones and legacy USCC exceptions (platform admin) ----
  const zoneSchema = z.object({
    zoneCode: z.string(),
    name: z.string(),
    publicKey: z.string(),
    keyId: z.string(),
    addedAt: z.string(),
  });
  app.get(
    '/api/v1/trusted-zones',
    {
      config: { access: only(['platform_admin', ...FILING_DECIDERS]) },
      schema: {
        tags,
        summary: 'Trusted zones (受信任综试区)',
        response: { 200: z.object({ items: z.array(zoneSchema) }) },
      },
    },
    async () => ({ items: await filing.listTrustedZones() }),
  );
  app.put(
    '/api/v1/trusted-zones/:zoneCode',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: "Trust a zone's SM2 public key (配置受信任综试区公钥)",
        params: z.object({ zoneCode: z.string().regex(/^[A-Z0-9-]{2,32}$/) }),
        body: z.strictObject({
          name: z.string().trim().min(1).max(200),
          publicKey: z.string().regex(/^04[0-9a-fA-F]{128}$/, {
            error: 'SM2 公钥应为 04 开头的 130 位十六进制 / An SM2 public key is 130 hex digits starting with 04',
          }),
        }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await filing.trustZone(actorOf(req), { zoneCode: req.params.zoneCode, ...req.body });
      return reply.status(204).send();
    },
  );
  app.delete(
    '/api/v1/trusted-zones/:zoneCode',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: 'Stop trusting a zone',
        params: z.object({ zoneCode: z.string().max(32) }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await filing.distrustZone(actorOf(req), req.params.zoneCode);
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/v1/uscc-exceptions',
    {
      config: { access: only(['platform_admin', ...FILING_DECIDERS]) },
      schema: {
        tags,
        summary: 'Legacy USCCs accepted although they fail the GB 32100 check (统一社会信用代码例外清单)',
        response: {
          200: z.object({ items: z.array(z.object({ uscc: z.string(), reason: z.string(), addedAt: z.string() })) }),
        },
      },
    },
    async () => ({ items: await filing.listExceptions() }),
  );
  app.post(
    '/api/v1/uscc-exceptions',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: 'Add a legacy USCC to the exception list',
        body: z.strictObject({
          uscc: z
            .string()
            .trim()
            .toUpperCase()
            .regex(/^[0-9A-Z]{18}$/),
          reason: z.string().trim().min(2).max(500),
        }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await filing.addException(actorOf(req), req.body.uscc, req.body.reason);
      return reply.status(204).send();
    },
  );
}
