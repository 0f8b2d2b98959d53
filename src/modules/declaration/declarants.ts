/**
 * Who may declare what (三单申报一口接入 binds every declaration to the filed enterprise that sends it). For every
 * message kind an enterprise sends, the standard names its declarant (the XSD annotation of each message,
 * ceb-messages.md §1.2 and §1.3): the parties who answer for a record and may send it themselves, filed in that role;
 * where the record has a declaring-unit field (申报单位 agentCode), that field must name the sender; and the kinds a
 * responsible party may hand to a delegate under a delegation (委托) it recorded on the platform: orders and payments
 * to express and postal operators (受委托的快件运营人、邮政企业, filed as logistics enterprises), lists,
 * cancellations, returns and summary applications to declaring agents (代理人, filed as agents).
 *
 * Pure: the caller resolves the codes to filed parties and looks the delegations up first.
 * Codes (docs/error-codes.md): -10101 无效企业类型 and -10102 无效企业代码 are the standard's; -10103, -10104 and
 * -10105 are the platform's, in the same range, for the sender binding.
 */
import { FILING_ROLE_NAMES, type FilingRole } from '../filing/port.js';
import type { CebMessageType } from './ceb/definitions.generated.js';
import type { Bilingual } from './model.js';

export type DeclarantRule = {
  /** The parties who answer for the record, by the field naming them and the role they must be filed in. */
  principals: readonly { field: string; role: FilingRole }[];
  /** The field naming the declaring unit (申报单位), which must be the sender: a principal itself or its delegate. */
  declaringUnit?: string;
  /** The filing roles a principal may delegate this kind to (none: only the principals themselves send it). */
  delegableTo: readonly FilingRole[];
  /** Who declares it, in the standard's words. */
  who: Bilingual;
};

const EBP = { field: 'ebpCode', role: 'ebp' } as const;
const EBC = { field: 'ebcCode', role: 'ebc' } as const;
const PAY = { field: 'payCode', role: 'payment' } as const;
const LOGISTICS = { field: 'logisticsCode', role: 'logistics' } as const;
const OPERATOR = { field: 'operatorCode', role: 'site_operator' } as const;

const ebcOrAgent = (who: Bilingual): DeclarantRule => ({
  principals: [EBC],
  declaringUnit: 'agentCode',
  delegableTo: ['agent'],
  who,
});
const EBC_OR_AGENT = { zh: '电商企业或其代理人', en: 'the e-commerce enterprise or its agent' };
const LOGISTICS_ONLY: DeclarantRule = {
  principals: [LOGISTICS],
  delegableTo: [],
  who: { zh: '物流企业', en: 'the logistics enterprise' },
};
const SITE_OR_LOGISTICS: DeclarantRule = {
  principals: [OPERATOR, LOGISTICS],
  delegableTo: [],
  who: { zh: '监管作业场所经营企业或物流企业', en: 'the supervised-site operator or the logistics enterprise' },
};

/** The declarant of every message kind enterprises send (the 19 data messages of the 2022-05 standard). */
export const DECLARANTS: Readonly<Partial<Record<CebMessageType, DeclarantRule>>> = {
  // import (XSD-IMP annotations)
  CEB311Message: {
    principals: [EBP, EBC],
    delegableTo: ['logistics'],
    who: {
      zh: '电商企业或电商平台或受委托的快件运营人、邮政企业',
      en: 'the e-commerce enterprise or platform, or an express or postal operator it delegated',
    },
  },
  CEB411Message: {
    principals: [PAY],
    delegableTo: ['logistics'],
    who: {
      zh: '支付企业或受委托的快件运营人、邮政企业',
      en: 'the payment enterprise, or an express or postal operator it delegated',
    },
  },
  CEB511Message: LOGISTICS_ONLY,
  CEB513Message: LOGISTICS_ONLY,
  CEB621Message: ebcOrAgent(EBC_OR_AGENT),
  CEB623Message: ebcOrAgent(EBC_OR_AGENT),
  CEB625Message: ebcOrAgent(EBC_OR_AGENT),
  CEB711Message: {
    principals: [OPERATOR],
    delegableTo: [],
    who: { zh: '海关监管作业场所经营企业', en: 'the operator of the customs-supervised site' },
  },
  // export (XSD-EXP annotations, ceb-messages.md §1.3)
  CEB303Message: {
    principals: [EBP, EBC],
    delegableTo: [],
    who: { zh: '电商平台或电商企业', en: 'the e-commerce platform or enterprise' },
  },
  CEB403Message: {
    principals: [PAY, EBC],
    delegableTo: [],
    who: { zh: '支付企业或电商企业', en: 'the payment enterprise or the e-commerce enterprise' },
  },
  CEB505Message: LOGISTICS_ONLY,
  CEB507Message: SITE_OR_LOGISTICS,
  CEB509Message: LOGISTICS_ONLY,
  CEB603Message: ebcOrAgent(EBC_OR_AGENT),
  CEB605Message: ebcOrAgent(EBC_OR_AGENT),
  CEB607Message: {
    principals: [LOGISTICS],
    declaringUnit: 'agentCode',
    delegableTo: ['agent'],
    who: { zh: '物流企业或其代理人', en: 'the logistics enterprise or its agent' },
  },
  CEB213Message: ebcOrAgent({ zh: '电商企业或其代理人', en: 'the e-commerce enterprise or its agent' }),
  CEB215Message: SITE_OR_LOGISTICS,
  CEB701Message: ebcOrAgent(EBC_OR_AGENT),
};

/** The message kinds a principal filed in `roles` may delegate, with the roles their delegates need. */
export function delegableKinds(roles: readonly FilingRole[]): { type: CebMessageType; delegateRoles: FilingRole[] }[] {
  return (Object.entries(DECLARANTS) as [CebMessageType, DeclarantRule][])
    .filter(([, r]) => r.delegableTo.length > 0 && r.principals.some((p) => roles.includes(p.role)))
    .map(([type, r]) => ({ type, delegateRoles: [...r.delegableTo] }));
}

/** A code of a record resolved to the filed enterprise it names. */
export type Party = { uscc: string; roles: readonly FilingRole[]; filed: boolean };

export type SenderContext = {
  /** The sending enterprise (the API key's or the enterprise user's). */
  uscc: string;
  /** The codes of the record resolved to enterprises (USCC and customs code both map to the enterprise). */
  parties: ReadonlyMap<string, Party>;
  /** The principals (USCCs) whose delegation of this message kind to the sender is in force now. */
  delegators: ReadonlySet<string>;
};

export type BindingError = { code: string; field: string; message: Bilingual };

/**
 * Whether the sender may declare this record: as one of its principals (named in the record and filed in that
 * role) or as the delegate of one. On success, the principals it acts for: itself, or those that delegated to it.
 */
export type Standing = { ok: true; actingFor: string[]; asDelegate: boolean } | { ok: false; error: BindingError };

function roleName(role: FilingRole): string {
  return `${FILING_ROLE_NAMES[role].zh}（${role}）`;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The principals a record names, with the enterprises their codes resolve to ('无' = a foreign party). */
function principalsOf(rule: DeclarantRule, head: Record<string, unknown>, ctx: SenderContext) {
  return rule.principals
    .map((p) => ({ ...p, code: text(head[p.field]) }))
    .filter((p) => p.code !== '' && p.code !== '无')
    .map((p) => ({ ...p, party: ctx.parties.get(p.code) }));
}

export function standingOf(
  type: CebMessageType,
  rule: DeclarantRule,
  head: Record<string, unknown>,
  ctx: SenderContext,
): Standing {
  const principals = principalsOf(rule, head, ctx);
  const sender = ctx.parties.get(ctx.uscc);
  if (rule.declaringUnit) {
    const code = text(head[rule.declaringUnit]);
    if (ctx.parties.get(code)?.uscc !== ctx.uscc) {
      return {
        ok: false,
        error: {
          code: '-10104',
          field: rule.declaringUnit,
          message: {
            zh: `申报单位 ${rule.declaringUnit} ${code || '（空）'} 不是发送企业 ${ctx.uscc}：${type} 由申报单位用自己的身份发送（${rule.who.zh}）`,
            en: `The declaring unit ${rule.declaringUnit} ${code || '(empty)'} is not the sending enterprise ${ctx.uscc}: a ${type} is sent by its declaring unit (${rule.who.en})`,
          },
        },
      };
    }
  }
  const asSelf = principals.filter((p) => p.party?.uscc === ctx.uscc);
  if (asSelf.some((p) => p.party?.filed && p.party.roles.includes(p.role))) {
    return { ok: true, actingFor: [ctx.uscc], asDelegate: false };
  }
  const delegators = [
    ...new Set(
      principals
        .filter((p) => p.party?.filed && p.party.uscc !== ctx.uscc && ctx.delegators.has(p.party.uscc))
        .map((p) => p.party?.uscc as string),
    ),
  ];
  if (delegators.length > 0) {
    if (!sender?.filed || !rule.delegableTo.some((r) => sender.roles.includes(r))) {
      return {
        ok: false,
        error: {
          code: '-10101',
          field: rule.declaringUnit ?? (principals[0]?.field as string),
          message: {
            zh: `受托企业 ${ctx.uscc} 须备案为${rule.delegableTo.map(roleName).join('或')}，才能受托申报 ${type}`,
            en: `The delegate ${ctx.uscc} must be filed as ${rule.delegableTo.join(' or ')} to declare a ${type} for others`,
          },
        },
      };
    }
    return { ok: true, actingFor: delegators, asDelegate: true };
  }
  const own = asSelf[0];
  if (own) {
    // the sender is named as a principal but is not filed in that role
    return {
      ok: false,
      error: {
        code: '-10101',
        field: own.field,
        message: {
          zh: `发送企业 ${ctx.uscc} 未备案为${roleName(own.role)}，不能以 ${own.field} 的身份申报 ${type}`,
          en: `The sending enterprise ${ctx.uscc} is not filed as ${own.role}: it cannot declare a ${type} as its ${own.field}`,
        },
      },
    };
  }
  const named =
    principals.map((p) => `${p.field} ${p.code}`).join('、') || rule.principals.map((p) => p.field).join('、');
  return {
    ok: false,
    error: {
      code: '-10103',
      field: rule.principals[0]?.field as string,
      message: {
        zh: `${type} 由${rule.who.zh}申报：发送企业 ${ctx.uscc} 不是本单证的申报企业（${named}）${rule.delegableTo.length ? '，也没有其登记的有效委托' : ''}`,
        en: `A ${type} is declared by ${rule.who.en}: the sending enterprise ${ctx.uscc} is not this record's declarant (${named})${rule.delegableTo.length ? ' nor acting under a delegation it recorded' : ''}`,
      },
    },
  };
}

/** The principal a new record is declared for: the sender itself, else the first principal that delegated to it. */
export function declarerOf(standing: Extract<Standing, { ok: true }>): string {
  return standing.actingFor[0] as string;
}

/**
 * A change or deletion (appType 2/3) comes only from the original declarer or its delegate: the stored record's
 * declarer must be one the sender acts for.
 */
export function changeAllowed(
  standing: Extract<Standing, { ok: true }>,
  storedDeclarer: string,
): { ok: true } | { ok: false; error: BindingError } {
  if (standing.actingFor.includes(storedDeclarer)) return { ok: true };
  return {
    ok: false,
    error: {
      code: '-10105',
      field: 'appType',
      message: {
        zh: '变更或删除只能由原申报企业或其受托企业发送',
        en: 'A change or deletion comes only from the original declarer or its delegate',
      },
    },
  };
}

/**
 * Whether the code in the declaring-unit field needs the agent role: not when it names a principal of the record
 * (an e-commerce enterprise declaring its own list is its own declaring unit).
 */
export function declaringUnitIsPrincipal(
  rule: DeclarantRule | undefined,
  head: Record<string, unknown>,
  parties: ReadonlyMap<string, Party>,
): boolean {
  if (!rule?.declaringUnit) return false;
  const unit = parties.get(text(head[rule.declaringUnit]));
  return (
    !!unit &&
    rule.principals.some((p) => {
      const party = parties.get(text(head[p.field]));
      return party?.uscc === unit.uscc;
    })
  );
}
