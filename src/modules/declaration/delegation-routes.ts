import { z } from 'zod';
import { isBusinessDate } from '../../kernel/time.js';
import { type App, actorOf } from '../../platform/http/app.js';
import { OFFICER_ROLES, only } from '../../platform/http/auth.js';
import { FILING_ROLES } from '../filing/port.js';
import type { CebMessageType } from './ceb/definitions.generated.js';
import { DECLARANTS } from './declarants.js';
import type { DelegationService } from './delegations.js';

const tags = ['declaration 三单申报一口接入'];
const params = z.object({ uscc: z.string().min(1).max(18) });

/** The message kinds a delegation may name: those the standard lets a principal hand to a delegate. */
export const DELEGABLE_TYPES = (Object.entries(DECLARANTS) as [CebMessageType, { delegableTo: readonly string[] }][])
  .filter(([, r]) => r.delegableTo.length > 0)
  .map(([t]) => t) as [CebMessageType, ...CebMessageType[]];

const businessDate = z.string().refine(isBusinessDate, {
  error: '日期格式应为 YYYY-MM-DD 的真实日期 / a real date written YYYY-MM-DD',
});

const party = z.object({ uscc: z.string(), nameCn: z.string().nullable() });
export const delegationSchema = z.object({
  id: z.string(),
  principal: party,
  delegate: party,
  messageTypes: z.array(z.string()),
  validFrom: z.string(),
  validUntil: z.string(),
  note: z.string().nullable(),
  status: z.enum(['active', 'scheduled', 'expired', 'revoked']),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedByUscc: z.string().nullable(),
  revokeReason: z.string().nullable(),
});

/**
 * Delegations (委托关系) of an enterprise: what it gave (as principal) and received (as delegate). Both parties and
 * officers see them; the principal's administrator records one; either party's administrator ends one.
 */
export function delegationRoutes(app: App, delegations: DelegationService): void {
  app.get(
    '/api/v1/enterprises/:uscc/delegations',
    {
      config: {
        access: only(
          ['enterprise_admin', 'enterprise_operator', 'api_key', 'platform_admin', ...OFFICER_ROLES],
          'uscc',
        ),
      },
      schema: {
        tags,
        summary: 'Delegations (委托关系) the enterprise gave and received',
        params,
        querystring: z.strictObject({ current: z.enum(['true', 'false']).default('false') }),
        response: {
          200: z.object({
            given: z.array(delegationSchema),
            received: z.array(delegationSchema),
            /** The kinds this enterprise may delegate (empty when its filing is not in force), with the delegates' roles. */
            delegable: z.array(z.object({ type: z.string(), delegateRoles: z.array(z.enum(FILING_ROLES)) })),
          }),
        },
      },
    },
    async (req) => delegations.list(req.params.uscc, { current: req.query.current === 'true' }),
  );
  app.post(
    '/api/v1/enterprises/:uscc/delegations',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary:
          'Record a delegation (登记委托): another filed enterprise may declare the named message kinds for this one ' +
          'during the period (orders and payments: express and postal operators; lists, cancellations, returns, ' +
          'summary applications: declaring agents)',
        params,
        body: z
          .strictObject({
            delegateUscc: z.string().trim().toUpperCase().min(10).max(18),
            messageTypes: z.array(z.enum(DELEGABLE_TYPES)).min(1).max(DELEGABLE_TYPES.length),
            validFrom: businessDate,
            validUntil: businessDate,
            note: z.string().max(500).optional(),
          })
          .refine((b) => b.validUntil >= b.validFrom, {
            path: ['validUntil'],
            error: '结束日期不能早于开始日期 / the last day cannot be before the first day',
          }),
        response: { 201: z.object({ delegation: delegationSchema }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ delegation: await delegations.create(actorOf(req), req.params.uscc, req.body) }),
  );
  app.post(
    '/api/v1/enterprises/:uscc/delegations/:id/revocation',
    {
      config: { access: only(['enterprise_admin'], 'uscc') },
      schema: {
        tags,
        summary: 'End a delegation: the principal revokes it, or the delegate renounces it (终止委托)',
        params: params.extend({ id: z.uuid() }),
        body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
        response: { 200: z.object({ delegation: delegationSchema }) },
      },
    },
    async (req) => ({
      delegation: await delegations.revoke(actorOf(req), req.params.uscc, req.params.id, req.body.reason),
    }),
  );
}
