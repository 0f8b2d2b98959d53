/**
 * Whose audit entries an officer reads: each audit action belongs to the domain of one or more departments (the
 * seed plan's five: customs 海关, tax 税务, forex 外汇管理, commerce 商务, finance 金融, each "对接…相关部门" of the
 * one platform). An officer reads the entries whose action is in the domain of their department; the platform admin
 * reads every entry. Pure: the HTTP layer turns a role into a department, `AuditTrail.list` filters in SQL.
 *
 * Every action appended anywhere must be listed here: the type `AuditAction` is the set of keys, so an unlisted
 * action does not compile, and test/unit/audit-domains.test.ts scans the sources for action strings. An empty list
 * means the platform's own administration (sign-ins, users, API keys, webhooks): the platform admin only.
 *
 * Why each domain (seed plan /work/shared/seed/000_9b93c5b92cc207e6.txt, business-rules.md, platform-decisions.md):
 * - Filing (企业备案, "实施信息备案和信用分类管理", "一地备案、全国共享"): applications are decided by customs and
 *   commerce (the DECIDERS of the filing routes), so its whole life — submitted, decided, changed, imported from
 *   another zone, and the trusted zones and USCC exceptions that govern it — is theirs.
 * - Signing certificates, their approval, the trust store of CAs and the signature policy (加签): they authenticate
 *   declarations to customs: customs.
 * - Delegations (委托关系): who declares to customs for whom (customs), between platforms, e-commerce enterprises and
 *   their agents (commerce regulates the zone's platforms): customs and commerce.
 * - Customs credit (海关企业信用, Decrees 251/282) is recorded by customs; commerce leads the zone's e-commerce credit
 *   system ("建立健全电子商务领域信用体系"): customs and commerce.
 * - Clearance decisions, returns and bonded entries (清单通关, 保税): customs supervises them; commerce runs the zone's
 *   statistics and monitoring of CBEC ("建立跨境电商统计监测体系"): customs and commerce.
 * - The consolidated payment of the electronic tax bills (汇总征税, 财关税〔2016〕18号: customs collects the import VAT
 *   and consumption tax on the tax authority's behalf): tax and customs.
 * - Reference tables (tariff, VAT and consumption-tax rates, positive list, customs exchange rates, parameter codes):
 *   loaded by customs; the rates are the tax authority's: customs and tax.
 * - Personal-data reads: a raw declaration's body is customs data (customs); the buyer quota pre-check guards the
 *   customs annual limit and how e-commerce platforms use buyers' data (商务 regulates platforms): customs, commerce.
 * - forex and finance have no action of their own yet (payments' FX and finance services are planned modules): their
 *   officers see no entry until those modules append theirs.
 */
import { OFFICER_ROLES } from '../http/auth.js';

export const DEPARTMENTS = OFFICER_ROLES;
export type Department = (typeof DEPARTMENTS)[number];

const PLATFORM: readonly Department[] = [];
const FILING: readonly Department[] = ['customs', 'commerce'];
const CLEARANCE: readonly Department[] = ['customs', 'commerce'];

export const AUDIT_DOMAINS = {
  // identity: the platform's own administration
  'auth.login': PLATFORM,
  'user.created': PLATFORM,
  'user.disabled': PLATFORM,
  'user.enabled': PLATFORM,
  'user.password-changed': PLATFORM,
  'user.password-reset': PLATFORM,
  'user.admin-restored': PLATFORM,
  'api-key.created': PLATFORM,
  'api-key.revoked': PLATFORM,
  'webhook.endpoint-created': PLATFORM,
  'webhook.endpoint-deleted': PLATFORM,
  'webhook.delivery-replayed': PLATFORM,
  // filing (企业备案)
  'filing.submitted': FILING,
  'filing.approve': FILING,
  'filing.reject': FILING,
  'filing.suspend': FILING,
  'filing.reinstate': FILING,
  'filing.revoke': FILING,
  'filing.request-change': FILING,
  'filing.reject-change': FILING,
  'filing.resubmit': FILING,
  'filing.imported': FILING,
  'trusted-zone.set': FILING,
  'trusted-zone.removed': FILING,
  'uscc-exception.added': FILING,
  'filing.certificate-added': ['customs'],
  'filing.certificate-revoked': ['customs'],
  'filing.signature-policy': ['customs'],
  'filing.certificate-approved': ['customs'],
  'filing.certificate-rejected': ['customs'],
  // the trust store: which CAs' certificates verify declarations to customs
  'trust.ca-added': ['customs'],
  'trust.ca-removed': ['customs'],
  'trust.crl-loaded': ['customs'],
  // delegations (委托关系): who declares to customs for whom; commerce oversees the platforms and agents
  'delegation.created': ['customs', 'commerce'],
  'delegation.revoked': ['customs', 'commerce'],
  'delegation.renounced': ['customs', 'commerce'],
  // overseas warehouses (海外仓备案): where 9810 exports go; customs supervises them, commerce runs the zone's
  // overseas-warehouse programme ("海外仓")
  'overseas-warehouse.filed': ['customs', 'commerce'],
  'overseas-warehouse.withdrawn': ['customs', 'commerce'],
  // credit (海关企业信用)
  'credit.recorded': ['customs', 'commerce'],
  // reference tables (参数表)
  'tables.seeded': ['customs', 'tax'],
  'tables.imported': ['customs', 'tax'],
  // clearance (清单通关)
  'clearance.review-decided': CLEARANCE,
  'clearance.inspection-decided': CLEARANCE,
  'clearance.return-arrived': CLEARANCE,
  'clearance.bonded-entry': CLEARANCE,
  'clearance.tax-consolidated': ['tax', 'customs'],
  // personal data read in clear or asked about
  'declaration.body-read': ['customs'],
  'clearance.quota-checked': ['customs', 'commerce'],
} as const satisfies Record<string, readonly Department[]>;

export type AuditAction = keyof typeof AUDIT_DOMAINS;

export const AUDIT_ACTIONS = Object.keys(AUDIT_DOMAINS) as AuditAction[];

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(AUDIT_DOMAINS, action);
}

/** The departments whose officers read entries of `action` (none: the platform admin only; unknown: none). */
export function departmentsOf(action: string): readonly Department[] {
  return isAuditAction(action) ? AUDIT_DOMAINS[action] : [];
}

/** The actions in a department's domain, in the table's order. */
export function actionsOf(department: Department): AuditAction[] {
  return AUDIT_ACTIONS.filter((a) => (AUDIT_DOMAINS[a] as readonly Department[]).includes(department));
}

/** The department of an officer's role; null for anyone else (the platform admin reads everything). */
export function departmentOfRole(role: string): Department | null {
  return (DEPARTMENTS as readonly string[]).includes(role) ? (role as Department) : null;
}
