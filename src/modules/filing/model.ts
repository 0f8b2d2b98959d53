/**
 * Enterprise filing (企业备案): the roles an enterprise can be filed in, its lifecycle, and the pure rules of
 * each transition. No I/O here.
 */

/** The roles an enterprise is filed in, as the customs CEB standard names them. */
export const FILING_ROLES = [
  'ebp',
  'ebc',
  'payment',
  'logistics',
  'agent',
  'warehouse',
  'overseas_warehouse',
  'site_operator',
  'assure',
] as const;
export type FilingRole = (typeof FILING_ROLES)[number];

export const FILING_ROLE_NAMES: Record<FilingRole, { zh: string; en: string }> = {
  ebp: { zh: '电商平台', en: 'E-commerce platform' },
  ebc: { zh: '电商企业', en: 'E-commerce enterprise' },
  payment: { zh: '支付企业', en: 'Payment enterprise' },
  logistics: { zh: '物流企业', en: 'Logistics enterprise' },
  agent: { zh: '申报企业（报关企业）', en: 'Declaring agent / customs broker' },
  warehouse: { zh: '区内仓储企业', en: 'Bonded-zone warehouse operator' },
  overseas_warehouse: { zh: '海外仓企业', en: 'Overseas-warehouse operator' },
  site_operator: { zh: '海关监管作业场所经营企业', en: 'Operator of a customs-supervised site' },
  assure: { zh: '担保企业', en: 'Guarantor' },
};

export const FILING_STATUSES = [
  'submitted',
  'approved',
  'rejected',
  'change_requested',
  'suspended',
  'revoked',
] as const;
export type FilingStatus = (typeof FILING_STATUSES)[number];

export const STATUS_NAMES: Record<FilingStatus, { zh: string; en: string }> = {
  submitted: { zh: '已提交', en: 'Submitted' },
  approved: { zh: '已备案', en: 'Approved' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  change_requested: { zh: '变更待审', en: 'Change requested' },
  suspended: { zh: '已暂停', en: 'Suspended' },
  revoked: { zh: '已撤销', en: 'Revoked' },
};

/** Decisions an officer takes on a filing. */
export const DECISIONS = ['approve', 'reject', 'suspend', 'reinstate', 'revoke'] as const;
export type Decision = (typeof DECISIONS)[number];
/** Actions the enterprise itself takes. */
export type EnterpriseAction = 'submit' | 'request-change' | 'resubmit';
export type FilingAction = Decision | EnterpriseAction;

export const REASON_REQUIRED: readonly Decision[] = ['reject', 'suspend', 'revoke'];

/**
 * The lifecycle: for each action, the states it may start from and the state it leads to.
 * A change request keeps the enterprise filed (its approved data stays in force) until an officer approves the
 * change (applied) or rejects it (discarded, back to approved).
 */
const TRANSITIONS: Record<Exclude<FilingAction, 'submit'>, Partial<Record<FilingStatus, FilingStatus>>> = {
  approve: { submitted: 'approved', change_requested: 'approved' },
  reject: { submitted: 'rejected', change_requested: 'approved' },
  suspend: { approved: 'suspended', change_requested: 'suspended' },
  reinstate: { suspended: 'approved' },
  revoke: { approved: 'revoked', suspended: 'revoked', change_requested: 'revoked' },
  'request-change': { approved: 'change_requested' },
  resubmit: { rejected: 'submitted' },
};

export type TransitionResult =
  | { ok: true; to: FilingStatus; appliesChange: boolean; discardsChange: boolean }
  | { ok: false; messageZh: string; messageEn: string };

export function transition(from: FilingStatus, action: Exclude<FilingAction, 'submit'>): TransitionResult {
  const to = TRANSITIONS[action][from];
  if (!to) {
    const allowed = Object.keys(TRANSITIONS[action]) as FilingStatus[];
    return {
      ok: false,
      messageZh: `备案状态为“${STATUS_NAMES[from].zh}”，不能执行此操作（仅限：${allowed.map((s) => STATUS_NAMES[s].zh).join('、')}）`,
      messageEn: `The filing is ${STATUS_NAMES[from].en.toLowerCase()}; "${action}" applies only to: ${allowed.join(', ')}`,
    };
  }
  return {
    ok: true,
    to,
    appliesChange: from === 'change_requested' && action === 'approve',
    discardsChange: from === 'change_requested' && action !== 'approve',
  };
}

/** Which actions apply in a state (for the console's buttons). */
export function actionsFrom(status: FilingStatus): Exclude<FilingAction, 'submit'>[] {
  return (Object.keys(TRANSITIONS) as Exclude<FilingAction, 'submit'>[]).filter(
    (a) => TRANSITIONS[a][status] !== undefined,
  );
}

/** Filed means usable by other modules: approved, also while a change request waits (old data in force). */
export function isFiled(status: FilingStatus): boolean {
  return status === 'approved' || status === 'change_requested';
}
