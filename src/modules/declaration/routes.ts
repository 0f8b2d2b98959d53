import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PlatformSigner } from '../../platform/crypto/signing.js';
import { type App, actorOf } from '../../platform/http/app.js';
import { only, type Principal, tenantOf } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import type { MessageBodies } from './body-reads.js';
import { buildCeb } from './ceb/codec.js';
import type { DeclarationService, FormatReceipt } from './service.js';

const tags = ['declaration 三单申报一口接入'];
const SENDERS = ['api_key', 'enterprise_admin', 'enterprise_operator'] as const;
const READERS = ['api_key', 'enterprise_admin', 'enterprise_operator', 'customs', 'platform_admin'] as const;

const receiptSchema = z.object({
  messageId: z.string(),
  guid: z.string().nullable(),
  type: z.string(),
  status: z.enum(['accepted', 'rejected']),
  returnStatus: z.string(),
  returnTime: z.string(),
  returnInfo: z.string(),
  recordCount: z.number(),
  errors: z.array(z.object({ code: z.string(), path: z.string(), message: z.string(), messageEn: z.string() })),
  warnings: z.array(z.object({ path: z.string(), message: z.string(), messageEn: z.string() })),
});

/** The format receipt as a CEB900Message (报文格式校验回执), for senders that speak XML. */
export function formatReceiptXml(r: FormatReceipt, oriCopMsgId = ''): string {
  const guid36 = r.guid && r.guid.length === 36 ? r.guid : r.messageId.toUpperCase();
  return buildCeb({
    type: 'CEB900Message',
    guid: r.messageId.toUpperCase(),
    version: '1.0',
    records: [
      {
        guid: guid36,
        returnStatus: r.returnStatus,
        returnInfo: r.returnInfo || '-',
        returnTime: r.returnTime,
        oriCopMsgId: oriCopMsgId || r.guid || '',
        oriMessageType: r.type.slice(0, 15),
        oriBizMessage: '',
      },
    ],
  });
}

/** A stored receipt as its CEB message (one record), built strictly: a receipt that would not validate is a bug. */
function receiptXml(type: string, record: unknown): string {
  try {
    return buildCeb({ type: type as 'CEB312Message', version: '1.0', records: [record as Record<string, string>] });
  } catch (e) {
    throw new Error(`receipt ${type} does not validate: ${(e as Error).message}`);
  }
}

/**
 * Why a reader opens a raw body (it holds personal data): a short reason, required, kept in the audit trail.
 */
const PURPOSE_MISSING =
  '请说明查看原始报文的用途（purpose，2 至 200 个字符）/ state the purpose of reading the raw message (purpose, 2 to 200 characters)';
export const purposeSchema = z
  .string({ error: PURPOSE_MISSING })
  .trim()
  .min(2, { error: PURPOSE_MISSING })
  .max(200, { error: '用途说明不能超过 200 个字符 / the purpose must be at most 200 characters' })
  .describe('Why you read the raw message (it holds personal data): 2 to 200 characters, kept in the audit trail');

function sender(p: Principal) {
  const uscc = tenantOf(p);
  if (!uscc) throw AppError.forbidden();
  return { uscc, apiKeyId: p.kind === 'apiKey' ? p.keyId : null, userId: p.kind === 'user' ? p.userId : null };
}

export function declarationRoutes(
  app: App,
  svc: DeclarationService,
  opts: { messageBodyLimit: number; receiptSigner: PlatformSigner; bodies: MessageBodies },
): void {
  app.register(async (scope) => {
    // CEB messages arrive as XML; the body is kept as bytes (the signature covers them exactly).
    scope.addContentTypeParser(
      ['application/xml', 'text/xml'],
      { parseAs: 'buffer', bodyLimit: opts.messageBodyLimit },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/api/v1/messages',
      {
        config: { access: only(SENDERS) },
        bodyLimit: opts.messageBodyLimit,
        schema: {
          tags,
          summary: 'Declare one CEB message (三单申报一口接入): XML, a DxpMsg envelope, or the JSON form',
          description:
            'Send `application/xml` (a CEB message of the 2022-05 standard, up to 100 records, or a DxpMsg envelope) or ' +
            '`application/json` (the same message as JSON: `{ type, guid, version, records, baseTransfer }` with the XSD field ' +
            'names). The answer is the format receipt: CEB900Message XML for XML senders, JSON with `Accept: application/json`. ' +
            '200 accepted; 400 malformed or not schema-valid (0001/0002); 403 BaseTransfer.copCode is not your enterprise; ' +
            '422 refused by a business rule (filing -10101/-10102, duplicates, appType, signatures). A repeated guid returns the ' +
            'first answer again (header x-cbec-replay: true) and changes nothing.',
          response: { 200: z.object({ receipt: receiptSchema }) },
        },
      },
      async (req, rep) => {
        const reply = rep as unknown as FastifyReply;
        const isJson = (req.headers['content-type'] ?? '').includes('json');
        const answer = await svc.intake(sender(req.principal), req.body, isJson ? 'json' : 'xml');
        reply.header('x-cbec-message-id', answer.receipt.messageId);
        if (answer.replay) reply.header('x-cbec-replay', 'true');
        const wantsJson = isJson || (req.headers.accept ?? '').includes('application/json');
        if (!wantsJson) {
          return reply
            .status(answer.httpStatus)
            .type('application/xml; charset=utf-8')
            .serializer((x: unknown) => x as string)
            .send(formatReceiptXml(answer.receipt));
        }
        return reply.status(answer.httpStatus).serializer(JSON.stringify).send({ receipt: answer.receipt });
      },
    );
  });

  app.get(
    '/api/v1/messages',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: 'The message log (报文日志): search by business key, status, type, time',
        querystring: z.strictObject({
          key: z.string().trim().min(1).max(60).optional(),
          status: z.enum(['accepted', 'rejected']).optional(),
          type: z
            .string()
            .regex(/^CEB\d{3}Message$/)
            .optional(),
          sender: z.string().max(18).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(20),
        }),
      },
    },
    async (req) => {
      const tenant = tenantOf(req.principal);
      const { from, to, sender: s, ...rest } = req.query;
      const r = await svc.listMessages({
        ...rest,
        sender: tenant ?? s,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      });
      return {
        ...r,
        items: r.items.map((m) => ({ ...m, receivedAt: m.receivedAt.toISOString() })),
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  app.get(
    '/api/v1/messages/:id',
    {
      config: { access: only(READERS) },
      schema: { tags, summary: 'One message with its errors and receipts', params: z.object({ id: z.uuid() }) },
    },
    async (req) => {
      const d = await svc.messageDetail(tenantOf(req.principal), req.params.id);
      if (!d) throw AppError.notFound('message', '报文');
      const { bodyEnc: _b, answer, ...m } = d.message;
      return {
        message: { ...m, receivedAt: m.receivedAt.toISOString(), answer },
        receipts: d.receipts.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
      };
    },
  );

  app.get(
    '/api/v1/messages/:id/body',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary:
          'The message exactly as received. It holds personal data: state the purpose; every read is audited ' +
          '(reader, role, message, sender, purpose)',
        params: z.object({ id: z.uuid() }),
        querystring: z.strictObject({ purpose: purposeSchema }),
      },
    },
    async (req, reply) => {
      const r = await opts.bodies.read(actorOf(req), tenantOf(req.principal), req.params.id, req.query.purpose);
      if (!r) throw AppError.notFound('message', '报文');
      return reply
        .type(r.format === 'json' ? 'application/json' : 'application/xml')
        .serializer((x: unknown) => x as string)
        .send(r.body.toString('utf8'));
    },
  );

  app.get(
    '/api/v1/receipts',
    {
      config: { access: only(SENDERS) },
      schema: {
        tags,
        summary: 'Business receipts (回执) in order, resumable: pass the last seq you processed as `after`',
        description:
          'At-least-once: process receipts idempotently by seq; `next` is the cursor for the following call.',
        querystring: z.strictObject({
          after: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          format: z.enum(['json', 'xml']).default('json'),
        }),
      },
    },
    async (req, rep) => {
      const uscc = tenantOf(req.principal) as string;
      const rows = await svc.receiptsAfter(uscc, req.query.after, req.query.limit);
      const body = JSON.stringify({
        items: rows.map((r) => ({
          seq: r.seq,
          type: r.type,
          businessKey: r.businessKey,
          returnStatus: r.returnStatus,
          returnTime: r.returnTime,
          returnInfo: r.returnInfo,
          messageId: r.messageId,
          record: r.record,
          ...(req.query.format === 'xml' ? { xml: receiptXml(r.type, r.record) } : {}),
        })),
        next: rows.length ? rows[rows.length - 1]!.seq : req.query.after,
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const reply = rep as unknown as FastifyReply;
      return reply
        .header('x-cbec-timestamp', timestamp)
        .header('x-cbec-key-id', opts.receiptSigner.keyId)
        .header('x-cbec-signature', opts.receiptSigner.sign(`${timestamp}.${body}`))
        .type('application/json; charset=utf-8')
        .serializer((x: unknown) => x as string)
        .send(body);
    },
  );
}
