/**
 * Delegations (委托关系): a responsible enterprise (the principal) records on the platform that another filed
 * enterprise may declare named message kinds for it during a period — an express or postal operator its orders
 * or payments, a declaring agent its lists, cancellations, returns and summary applications (declarants.ts says
 * which kinds go to which roles). Both see it; either ends it (the principal revokes, the delegate renounces).
 * The hub asks `delegators` at intake. Owns decl_delegations.
 */

import { addDays, daysBetween, shanghaiDate } from '../../kernel/time.js';
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { Database } from '../../platform/db/client.js';
import { AppError } from '../../platform/http/errors.js';
import { FILING_ROLE_NAMES, type FilingRole, type FilingService } from '../filing/port.js';
import type { CebMessageType } from './ceb/definitions.generated.js';
import { DECLARANTS, delegableKinds } from './declarants.js';
import { type DelegationRow, delegationStore as store } from './store.js';

/** The longest period a delegation may run (a delegation is renewed, not left open). */
export const MAX_DELEGATION_DAYS = 3 * 366;

export type DelegationInput = {
  delegateUscc: string;
  messageTypes: CebMessageType[];
  validFrom: string;
  validUntil: string;
  note?: string;
};

export type DelegationView = {
  id: string;
  principal: { uscc: string; nameCn: string | null };
  delegate: { uscc: string; nameCn: string | null };
  messageTypes: string[];
  validFrom: string;
  validUntil: string;
  note: string | null;
  /** active (in force today), scheduled (starts later), expired, revoked */
  status: 'active' | 'scheduled' | 'expired' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  revokedByUscc: string | null;
  revokeReason: string | null;
};

function statusOf(d: DelegationRow, today: string): DelegationView['status'] {
  if (d.revokedAt) return 'revoked';
  if (d.validUntil < today) return 'expired';
  if (d.validFrom > today) return 'scheduled';
  return 'active';
}

const roleNames = (roles: readonly FilingRole[]) => roles.map((r) => FILING_ROLE_NAMES[r].zh).join('或');

export class DelegationService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditTrail,
    private readonly filing: FilingService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async views(rows: DelegationRow[]): Promise<DelegationView[]> {
    const parties = await this.filing.resolveCodes(rows.flatMap((r) => [r.principalUscc, r.delegateUscc]));
    const today = shanghaiDate(this.now());
    const who = (uscc: string) => ({ uscc, nameCn: parties.get(uscc)?.nameCn ?? null });
    return rows.map((d) => ({
      id: d.id,
      principal: who(d.principalUscc),
      delegate: who(d.delegateUscc),
      messageTypes: d.messageTypes,
      validFrom: d.validFrom,
      validUntil: d.validUntil,
      note: d.note,
      status: statusOf(d, today),
      createdAt: d.createdAt.toISOString(),
      revokedAt: d.revokedAt?.toISOString() ?? null,
      revokedByUscc: d.revokedByUscc,
      revokeReason: d.revokeReason,
    }));
  }

  /** What an enterprise gave and received; `current` leaves out revoked and expired ones. */
  async list(uscc: string, opts: { current?: boolean } = {}) {
    const rows = await store.of(this.db, uscc, opts.current ? { on: shanghaiDate(this.now()) } : undefined);
    const views = await this.views(rows);
    const self = (await this.filing.resolveCodes([uscc])).get(uscc);
    return {
      given: views.filter((v) => v.principal.uscc === uscc),
      received: views.filter((v) => v.delegate.uscc === uscc),
      /** What this enterprise may delegate (by its filed roles), and the roles each kind's delegate needs. */
      delegable: self?.filed ? delegableKinds(self.roles) : [],
    };
  }

  async create(actor: Actor, principalUscc: string, input: DelegationInput): Promise<DelegationView> {
    const parties = await this.filing.resolveCodes([principalUscc, input.delegateUscc]);
    const principal = parties.get(principalUscc);
    const delegate = parties.get(input.delegateUscc);
    const refuse = (path: string, zh: string, en: string, code: string) => AppError.field(path, zh, en, code);
    if (!principal?.filed) {
      throw new AppError(
        409,
        'NOT_FILED',
        '本企业备案不在有效状态，不能委托',
        'Your filing is not in force: you cannot delegate',
      );
    }
    if (input.delegateUscc === principalUscc || delegate?.uscc === principalUscc) {
      throw refuse('delegateUscc', '不能委托给自己', 'An enterprise does not delegate to itself', 'SELF_DELEGATION');
    }
    if (!delegate?.filed) {
      throw refuse(
        'delegateUscc',
        `受托企业 ${input.delegateUscc} 未在综试区备案或备案无效`,
        `The delegate ${input.delegateUscc} is not filed in this zone, or its filing is not in force`,
        '-10102',
      );
    }
    const types = [...new Set(input.messageTypes)];
    const problems = types.flatMap((type, i) => {
      const rule = DECLARANTS[type];
      const path = `messageTypes.${i}`;
      if (!rule || rule.delegableTo.length === 0) {
        return [
          {
            path,
            message: `${type} 不能委托申报（标准规定由${rule?.who.zh ?? '其申报企业'}本身申报）`,
            messageEn: `A ${type} cannot be delegated (the standard has ${rule?.who.en ?? 'its declarant'} send it)`,
            code: 'NOT_DELEGABLE',
          },
        ];
      }
      if (!rule.principals.some((p) => principal.roles.includes(p.role))) {
        return [
          {
            path,
            message: `本企业未备案为${roleNames(rule.principals.map((p) => p.role))}，不是 ${type} 的申报企业，无从委托`,
            messageEn: `You are not filed as ${rule.principals.map((p) => p.role).join(' or ')}: a ${type} is not yours to delegate`,
            code: '-10101',
          },
        ];
      }
      if (!rule.delegableTo.some((r) => delegate.roles.includes(r))) {
        return [
          {
            path,
            message: `受托企业须备案为${roleNames(rule.delegableTo)}，才能受托申报 ${type}`,
            messageEn: `The delegate must be filed as ${rule.delegableTo.join(' or ')} to declare a ${type} for you`,
            code: '-10101',
          },
        ];
      }
      return [];
    });
    if (problems.length) throw AppError.validation(problems);
    const today = shanghaiDate(this.now());
    if (input.validUntil < input.validFrom) {
      throw refuse('validUntil', '结束日期早于开始日期', 'The last day is before the first day', 'BAD_PERIOD');
    }
    if (input.validUntil < today) {
      throw refuse('validUntil', '结束日期已过', 'The last day has passed', 'BAD_PERIOD');
    }
    if (daysBetween(input.validFrom, input.validUntil) > MAX_DELEGATION_DAYS) {
      throw refuse(
        'validUntil',
        `委托期限最长 ${MAX_DELEGATION_DAYS} 天（至 ${addDays(input.validFrom, MAX_DELEGATION_DAYS)}），到期请续签`,
        `A delegation runs at most ${MAX_DELEGATION_DAYS} days (until ${addDays(input.validFrom, MAX_DELEGATION_DAYS)}); renew it then`,
        'BAD_PERIOD',
      );
    }
    const row = await this.db.transaction(async (tx) => {
      const r = await store.insert(tx, {
        principalUscc,
        delegateUscc: delegate.uscc,
        messageTypes: types,
        validFrom: input.validFrom,
        validUntil: input.validUntil,
        note: input.note?.trim() || null,
        createdBy: actor.userId ?? null,
      });
      await this.audit.append(tx, actor, {
        action: 'delegation.created',
        targetType: 'delegation',
        targetId: r.id,
        enterpriseUscc: principalUscc,
        summary: { delegate: r.delegateUscc, messageTypes: types, validFrom: r.validFrom, validUntil: r.validUntil },
      });
      return r;
    });
    return (await this.views([row]))[0] as DelegationView;
  }

  /** Ends a delegation: by its principal (revokes) or its delegate (renounces). 404 for anyone else. */
  async revoke(actor: Actor, uscc: string, id: string, reason: string): Promise<DelegationView> {
    const row = await this.db.transaction(async (tx) => {
      const d = await store.byId(tx, id, true);
      if (!d || (d.principalUscc !== uscc && d.delegateUscc !== uscc)) throw AppError.notFound('delegation', '委托');
      if (d.revokedAt) throw AppError.conflict('ALREADY_REVOKED', '该委托已终止', 'This delegation has ended already');
      const r = await store.revoke(tx, id, { userId: actor.userId ?? null, uscc, reason: reason.trim() });
      if (!r) throw AppError.conflict('ALREADY_REVOKED', '该委托已终止', 'This delegation has ended already');
      await this.audit.append(tx, actor, {
        action: d.principalUscc === uscc ? 'delegation.revoked' : 'delegation.renounced',
        targetType: 'delegation',
        targetId: id,
        enterpriseUscc: d.principalUscc,
        summary: { principal: d.principalUscc, delegate: d.delegateUscc, reason: reason.trim() },
      });
      return r;
    });
    return (await this.views([row]))[0] as DelegationView;
  }

  /** The intake's question: which of these principals delegated `type` to `delegate`, in force at `at`. */
  delegators(delegate: string, type: CebMessageType, principals: string[], at: Date): Promise<Set<string>> {
    return store.delegators(this.db, delegate, type, principals, shanghaiDate(at));
  }
}
