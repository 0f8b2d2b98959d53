import { z } from 'zod';
import { type App, actorOf } from '../../platform/http/app.js';
import { only, signedIn } from '../../platform/http/auth.js';
import type { FilingService } from './service.js';
import { CERTIFICATE_TRUST } from './trust-model.js';

const tags = ['filing 企业备案'];

const caSchema = z.object({
  id: z.string(),
  label: z.string(),
  subject: z.string(),
  serialHex: z.string(),
  fingerprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  demo: z.boolean(),
  addedAt: z.string(),
  removedAt: z.string().nullable(),
  status: z.enum(['active', 'expired', 'removed']),
});

const pendingSchema = z.object({
  id: z.string(),
  uscc: z.string(),
  enterpriseName: z.string().nullable(),
  serialHex: z.string(),
  fingerprint: z.string(),
  algorithm: z.string(),
  subject: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  addedAt: z.string(),
  revokedAt: z.string().nullable(),
  trust: z.enum(CERTIFICATE_TRUST),
  caId: z.string().nullable(),
  caLabel: z.string().nullable(),
  pendingReason: z.enum(['self-signed', 'unknown-issuer']).nullable(),
  reviewedAt: z.string().nullable(),
  reviewNote: z.string().nullable(),
});

/**
 * The zone's trust store (证书信任): the CAs whose certificates verify signatures (platform admin loads and removes
 * them, and their CRLs), and the certificates no trusted CA issued, which customs approves or refuses.
 */
export function trustRoutes(app: App, filing: FilingService): void {
  app.get(
    '/api/v1/trust/cas',
    {
      config: { access: signedIn },
      schema: {
        tags,
        summary: 'The certificate authorities the zone trusts (受信任 CA), current and removed',
        response: { 200: z.object({ items: z.array(caSchema) }) },
      },
    },
    async () => ({ items: await filing.trust.list() }),
  );
  app.post(
    '/api/v1/trust/cas',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: 'Trust a CA (添加受信任 CA): its X.509 CA certificate, PEM or Base64 DER',
        body: z.strictObject({
          certificate: z.string().min(100).max(20_000),
          label: z.string().trim().min(1).max(200),
        }),
        response: { 201: z.object({ ca: caSchema, promoted: z.number() }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await filing.trust.add(actorOf(req), req.body.certificate, req.body.label)),
  );
  app.delete(
    '/api/v1/trust/cas/:id',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: 'Stop trusting a CA: its certificates no longer verify messages received from now on',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ ca: caSchema }) },
      },
    },
    async (req) => ({ ca: await filing.trust.remove(actorOf(req), req.params.id) }),
  );
  app.post(
    '/api/v1/trust/crls',
    {
      config: { access: only(['platform_admin']) },
      schema: {
        tags,
        summary: 'Load a certificate revocation list (CRL, PEM or Base64 DER) of a trusted CA',
        body: z.strictObject({ crl: z.string().min(50).max(20_000_000) }),
        response: {
          200: z.object({
            ca: caSchema,
            entries: z.number(),
            added: z.number(),
            thisUpdate: z.string(),
            nextUpdate: z.string().nullable(),
          }),
        },
      },
      bodyLimit: 25 * 1_048_576,
    },
    async (req) => filing.trust.importCrl(actorOf(req), req.body.crl),
  );
  app.get(
    '/api/v1/certificates/pending',
    {
      config: { access: only(['customs', 'platform_admin']) },
      schema: {
        tags,
        summary: 'Signing certificates waiting for customs approval (待核准证书: self-signed or of an unknown issuer)',
        response: { 200: z.object({ items: z.array(pendingSchema) }) },
      },
    },
    async () => ({ items: await filing.pendingCertificates() }),
  );
  app.post(
    '/api/v1/enterprises/:uscc/certificates/:id/review',
    {
      config: { access: only(['customs']) },
      schema: {
        tags,
        summary: 'Approve a signing certificate no trusted CA issued, or refuse one (海关核准证书); a note is required',
        params: z.object({ uscc: z.string().min(1).max(18), id: z.uuid() }),
        body: z.strictObject({ decision: z.enum(['approve', 'reject']), note: z.string().trim().min(1).max(500) }),
        response: { 200: z.object({ certificate: pendingSchema.omit({ uscc: true, enterpriseName: true }) }) },
      },
    },
    async (req) => ({
      certificate: await filing.reviewCertificate(
        actorOf(req),
        req.params.uscc,
        req.params.id,
        req.body.decision,
        req.body.note,
      ),
    }),
  );
}
