import type { Logger } from 'pino';
import { z } from 'zod';
import type { AuditTrail } from '../../platform/audit/audit.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import { ensurePlatformKey } from '../../platform/crypto/signing.js';
import type { Database } from '../../platform/db/client.js';
import type { App } from '../../platform/http/app.js';
import { actorOf } from '../../platform/http/app.js';
import { only } from '../../platform/http/auth.js';
import { noContent } from '../../platform/http/openapi.js';
import {
  DELIVERY_STATUSES,
  MAX_ENDPOINTS_PER_ENTERPRISE,
  MAX_URL_LENGTH,
  WEBHOOK_KEY_PURPOSE,
  type WebhookOptions,
  WebhookService,
} from './webhooks.js';

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  fromSeq: z.number(),
  active: z.boolean(),
  createdAt: z.string(),
});

export const webhookDeliverySchema = z.object({
  id: z.number(),
  endpointId: z.string(),
  url: z.string(),
  receiptSeq: z.number(),
  receiptType: z.string().nullable(),
  businessKey: z.string().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

/** How receivers verify a delivery; shown in the OpenAPI document. */
export const WEBHOOK_SIGNATURE_DOC = [
  'Every receipt (回执: CEB312, 412, 512, 622 …) issued to the enterprise after the endpoint was registered is POSTed',
  'to it as JSON `{ seq, type, businessKey, returnStatus, returnTime, returnInfo, record, messageId }` with the headers',
  '`x-cbec-delivery` (delivery id, the same on every retry and replay: deduplicate on it or on seq),',
  '`x-cbec-receipt-seq`, `x-cbec-timestamp` (Unix seconds), `x-cbec-key-id` and `x-cbec-signature`.',
  'The signature is SM2 (SM3 digest with Z, default user id 1234567812345678, raw r‖s as 128 hex digits) over the',
  'UTF-8 bytes of `<x-cbec-timestamp>.<raw request body>`, made with the platform key of purpose `webhook` published',
  'at `/.well-known/cbec-zone/keys` (pick it by key id). Reject timestamps far from your clock (e.g. ±5 min).',
  'Answer 2xx within 5 s; anything else, redirects included (never followed), is retried with exponential back-off',
  '(10 s doubling, at most 1 h) up to 8 attempts, after which the delivery is `failed` and can be replayed.',
  'Deliveries may arrive out of order or more than once.',
].join(' ');

const usccParam = z.object({ uscc: z.string().min(1).max(18) });

/** Receipt webhook routes (回执推送): endpoints, deliveries and replay. */
export function webhookRoutes(app: App, service: WebhookService): void {
  const tags = ['declaration 回执推送'];
  const readers = only(['platform_admin', 'enterprise_admin', 'api_key'], 'uscc');
  const writers = only(['enterprise_admin', 'api_key'], 'uscc');

  // One check for all URL rules (length included), so that a bad URL gets exactly one detail with a precise code.
  const url = z
    .string()
    .trim()
    .describe(`An https or http URL of at most ${MAX_URL_LENGTH} characters`)
    .superRefine((v, ctx) => {
      const p = service.urlProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: p.zh, params: { messageEn: p.en, code: p.code } });
    });

  app.get(
    '/api/v1/enterprises/:uscc/webhooks',
    {
      config: { access: readers },
      schema: {
        tags,
        summary: "An enterprise's webhook endpoints (回执推送地址)",
        params: usccParam,
        response: { 200: z.object({ items: z.array(webhookEndpointSchema) }) },
      },
    },
    async (req) => ({ items: await service.listEndpoints(req.params.uscc) }),
  );

  app.post(
    '/api/v1/enterprises/:uscc/webhooks',
    {
      config: { access: writers },
      schema: {
        tags,
        summary: `Register a webhook endpoint for receipts (登记回执推送地址), at most ${MAX_ENDPOINTS_PER_ENTERPRISE} per enterprise`,
        description:
          'An https or http URL without user name, password or #fragment; private, loopback and link-local addresses ' +
          'are refused unless the platform allows them. Only receipts issued from now on are delivered. ' +
          WEBHOOK_SIGNATURE_DOC,
        params: usccParam,
        body: z.strictObject({ url }),
        response: { 201: z.object({ endpoint: webhookEndpointSchema }) },
      },
    },
    async (req, reply) => {
      const endpoint = await service.createEndpoint(actorOf(req), req.params.uscc, req.body.url);
      return reply.status(201).send({ endpoint });
    },
  );

  app.delete(
    '/api/v1/enterprises/:uscc/webhooks/:id',
    {
      config: { access: writers },
      schema: {
        tags,
        summary: 'Remove a webhook endpoint (删除回执推送地址); its pending deliveries become failed',
        params: z.object({ uscc: z.string().min(1).max(18), id: z.uuid() }),
        response: { 204: noContent },
      },
    },
    async (req, reply) => {
      await service.deleteEndpoint(actorOf(req), req.params.uscc, req.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/enterprises/:uscc/webhooks/deliveries',
    {
      config: { access: readers },
      schema: {
        tags,
        summary: 'Webhook deliveries (回执推送记录), newest first; `status=failed` lists those given up on',
        description: WEBHOOK_SIGNATURE_DOC,
        params: usccParam,
        querystring: z.strictObject({
          status: z.enum(DELIVERY_STATUSES).optional(),
          endpointId: z.uuid().optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(webhookDeliverySchema), total: z.number() }) },
      },
    },
    async (req) => service.listDeliveries(req.params.uscc, req.query),
  );

  app.post(
    '/api/v1/enterprises/:uscc/webhooks/deliveries/:id/replay',
    {
      config: { access: writers },
      schema: {
        tags,
        summary: 'Send a failed or delivered receipt push again (回执重新推送)',
        params: z.object({
          uscc: z.string().min(1).max(18),
          id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
        }),
        response: { 200: z.object({ delivery: webhookDeliverySchema }) },
      },
    },
    async (req) => ({ delivery: await service.replay(actorOf(req), req.params.uscc, req.params.id) }),
  );
}

export type WebhookDeps = {
  db: Database;
  audit: AuditTrail;
  /** The platform data key's cipher, which keeps the `webhook` signing key's private half. */
  pi: PersonalInfoCipher;
  log?: Logger;
  enterpriseExists?: (uscc: string) => Promise<boolean>;
  /** Background loop period (default 2 s). */
  intervalMs?: number;
  options?: Omit<WebhookOptions, 'log' | 'enterpriseExists'>;
};

/**
 * Wires webhooks into an app before `app.ready()`: the `webhook` signing key (created on first use), the service,
 * the routes, and the delivery loop, which runs while the server listens (not under `inject`) and is stopped,
 * with its running round awaited, when the app closes.
 */
export async function registerWebhooks(app: App, deps: WebhookDeps): Promise<WebhookService> {
  const signer = await ensurePlatformKey(deps.db, deps.pi, WEBHOOK_KEY_PURPOSE);
  const service = new WebhookService(deps.db, deps.audit, signer, {
    ...deps.options,
    log: deps.log,
    enterpriseExists: deps.enterpriseExists,
  });
  webhookRoutes(app, service);
  app.addHook('onListen', async () => {
    service.start(deps.intervalMs ?? 2_000);
  });
  app.addHook('onClose', async () => {
    await service.stop();
  });
  return service;
}
