import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PlatformSigner } from '../../platform/crypto/signing.js';
import { type App, actorOf } from '../../platform/http/app.js';
import { only, type Principal, tenantOf } from '../../platform/http/auth.js';
import { AppError } from '../../platform/http/errors.js';
import { ErrorBodySchema, type RequestBodyDoc } from '../../platform/http/openapi.js';
import { JSON_MAX_DEPTH, jsonDepthExceeded } from '../../platform/http/validation.js';
import type { MessageBodies } from './body-reads.js';
import { buildCeb } from './ceb/codec.js';
import { UnreadableJson } from './parse.js';
import type { DeclarationService, FormatReceipt } from './service.js';

const tags = ['declaration 三单申报一口接入'];
const SENDERS = ['api_key', 'enterprise_admin', 'enterprise_operator'] as const;
const READERS = ['api_key', 'enterprise_admin', 'enterprise_operator', 'customs', 'platform_admin'] as const;

/** An error of a format receipt: the customs code, where (with the XML line for malformed XML), why. */
function intakeErrorSchema() {
  return z.object({
    code: z.string(),
    path: z.string(),
    /** The line of the XML where the parser stopped (malformed XML). */
    line: z.number().optional(),
    message: z.string(),
    messageEn: z.string(),
  });
}

const receiptSchema = z.object({
  messageId: z.string(),
  guid: z.string().nullable(),
  type: z.string(),
  status: z.enum(['accepted', 'rejected']),
  returnStatus: z.string(),
  returnTime: z.string(),
  returnInfo: z.string(),
  recordCount: z.number(),
  errors: z.array(intakeErrorSchema()),
  warnings: z.array(z.object({ path: z.string(), message: z.string(), messageEn: z.string() })),
});

const intakeError = intakeErrorSchema();
const intakeWarning = z.object({ path: z.string(), message: z.string(), messageEn: z.string() });

const messageSummary = z.object({
  id: z.string(),
  guid: z.string().nullable(),
  type: z.string(),
  senderUscc: z.string(),
  format: z.string().describe('xml | json | dxp'),
  status: z.string().describe('accepted | rejected'),
  recordCount: z.number().int(),
  businessKeys: z.array(z.string()),
  errors: z.array(intakeError).nullable(),
  bodySize: z.number().int(),
  receivedAt: z.string(),
});

const storedReceipt = z.object({
  seq: z.number().int(),
  recipientUscc: z.string(),
  messageId: z.string().nullable(),
  type: z.string(),
  businessKey: z.string(),
  returnStatus: z.string(),
  returnTime: z.string(),
  returnInfo: z.string(),
  record: z.unknown().describe('The receipt record, by its XSD field names'),
  createdAt: z.string(),
});

const messageDetail = z.object({
  message: messageSummary.extend({
    apiKeyId: z.string().nullable(),
    userId: z.string().nullable(),
    warnings: z.array(intakeWarning).nullable(),
    answer: z.object({ httpStatus: z.number().int(), receipt: receiptSchema }),
    bodySha256: z.string(),
  }),
  receipts: z.array(storedReceipt),
});

const receiptFeed = z.object({
  items: z.array(
    z.object({
      seq: z.number().int(),
      type: z.string(),
      businessKey: z.string(),
      returnStatus: z.string(),
      returnTime: z.string(),
      returnInfo: z.string(),
      messageId: z.string().nullable(),
      record: z.unknown(),
      xml: z.string().optional().describe('With format=xml: the receipt as its CEB message'),
    }),
  ),
  next: z.number().int().describe('The cursor for the next call (`after`)'),
});

const cebXml = {
  type: 'string',
  description:
    'A CEB message of the 2022-05 standard (up to 100 records), or the same inside a DxpMsg envelope (the data ' +
    'exchange’s, as the E-Port client sends it): the bytes are kept exactly, the signature covers them',
  example:
    '<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB311Message guid="…" version="1.0" ' +
    'xmlns:ceb="http://www.chinaport.gov.cn/ceb"><ceb:Order>…</ceb:Order><ceb:BaseTransfer>…</ceb:BaseTransfer>' +
    '</ceb:CEB311Message>',
};

/** The three forms the entry takes (documentation: the body is parsed by the hub itself). */
const messageRequestBody: RequestBodyDoc = {
  description:
    'One message in one of three forms: CEB XML, a DxpMsg envelope (also XML), or the JSON form. ' +
    '`cbec-zone ceb example order` prints one.',
  content: {
    'application/xml': { schema: cebXml },
    'text/xml': { schema: { ...cebXml, description: 'The same as application/xml' } },
    'application/json': {
      schema: z.object({
        type: z
          .string()
          .regex(/^CEB\d{3}Message$/)
          .describe('e.g. CEB311Message'),
        guid: z.string().describe('The message guid (36 characters)'),
        version: z.string().describe('1.0'),
        records: z
          .array(z.record(z.string(), z.unknown()))
          .min(1)
          .max(100)
          .describe('The records, by the XSD names: { OrderHead: {…}, OrderList: [{…}] } …'),
        baseTransfer: z
          .object({ copCode: z.string(), copName: z.string(), dxpMode: z.string(), dxpId: z.string() })
          .describe("copCode: the sender's enterprise"),
        signature: z.unknown().optional(),
      }),
    },
  },
};

const formatReceiptXmlDoc = {
  schema: z.string().describe('CEB900Message (报文格式校验回执), for XML senders'),
};

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
  opts: { messageBodyLimit: number; receiptSigner: PlatformSigner; bodies: MessageBodies; jsonMaxDepth?: number },
): void {
  app.register(async (scope) => {
    // The JSON form: a body that cannot be read (malformed, too deep, a __proto__ key) is answered like malformed
    // XML, with a 0001 format receipt, not the platform's error shape.
    const maxDepth = opts.jsonMaxDepth ?? JSON_MAX_DEPTH;
    const json = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: opts.messageBodyLimit },
      (req, body, done) => {
        const text = body as string;
        const at = jsonDepthExceeded(text, maxDepth);
        if (at >= 0) {
          const problem = {
            zh: `JSON 嵌套超过 ${maxDepth} 层（第 ${at + 1} 个字符处）`,
            en: `JSON nested deeper than ${maxDepth} levels (at character ${at + 1})`,
          };
          done(null, new UnreadableJson(text, problem));
          return;
        }
        json(req, text, (err, value) => {
          if (!err) done(null, value);
          else {
            const problem =
              text.trim() === ''
                ? { zh: '请求体为空', en: 'The body is empty' }
                : { zh: `不是合法的 JSON：${err.message}`, en: `Not valid JSON: ${err.message}` };
            done(null, new UnreadableJson(text, problem));
          }
        });
      },
    );
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
            '200 accepted; 400 malformed or not schema-valid (0001/0002); 403 not yours to send (BaseTransfer.copCode is not your ' +
            'enterprise; not the record’s declarant nor its delegate -10103, not its declaring unit -10104, not its original ' +
            'declarer -10105: docs/error-codes.md); ' +
            '422 refused by a business rule (filing -10101/-10102, duplicates, appType, signatures). A repeated guid returns the ' +
            'first answer again (header x-cbec-replay: true) and changes nothing.',
          requestBody: messageRequestBody,
          response: {
            200: {
              description: 'Accepted: the format receipt (JSON with Accept: application/json, else CEB900 XML)',
              content: {
                'application/json': { schema: z.object({ receipt: receiptSchema }) },
                'application/xml': formatReceiptXmlDoc,
              },
            },
            '4xx': {
              description:
                'Refused: the format receipt with every error (400 0001/0002, 403 copCode and the sender binding, 422 business ' +
                'rules); or, ' +
                'before the hub reads the message (401, 413, 415, 429), the error shape',
              content: {
                'application/json': { schema: z.union([z.object({ receipt: receiptSchema }), ErrorBodySchema]) },
                'application/xml': formatReceiptXmlDoc,
              },
            },
          },
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
        response: {
          200: z.object({
            items: z.array(messageSummary),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
        },
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
        items: r.items.map((m) => ({
          ...m,
          errors: m.errors as z.infer<typeof intakeError>[] | null,
          receivedAt: m.receivedAt.toISOString(),
        })),
        page: req.query.page,
        pageSize: req.query.pageSize,
      };
    },
  );

  app.get(
    '/api/v1/messages/:id',
    {
      config: { access: only(READERS) },
      schema: {
        tags,
        summary: 'One message with its errors and receipts',
        params: z.object({ id: z.uuid() }),
        response: { 200: messageDetail },
      },
    },
    async (req) => {
      const d = await svc.messageDetail(tenantOf(req.principal), req.params.id);
      if (!d) throw AppError.notFound('message', '报文');
      const { bodyEnc: _b, answer, errors, warnings, ...m } = d.message;
      return {
        message: {
          ...m,
          errors: errors as z.infer<typeof intakeError>[] | null,
          warnings: warnings as z.infer<typeof intakeWarning>[] | null,
          receivedAt: m.receivedAt.toISOString(),
          answer: answer as z.infer<typeof messageDetail>['message']['answer'],
        },
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
        response: {
          200: {
            description: 'The message exactly as received',
            content: {
              'application/xml': { schema: z.string().describe('CEB XML or DxpMsg, as sent') },
              'application/json': { schema: z.string().describe('The JSON form, as sent') },
            },
          },
        },
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
        response: {
          200: {
            description:
              'Signed by the platform: x-cbec-signature is SM2 over `<x-cbec-timestamp>.<body>` with the key ' +
              'x-cbec-key-id published at /.well-known/cbec-zone/keys',
            content: { 'application/json': { schema: receiptFeed } },
          },
        },
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
