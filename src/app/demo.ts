import { orgCodeCheckCharacter, usccCheckCharacter } from '../kernel/codes/uscc.js';
import { addDays, shanghaiDate } from '../kernel/time.js';
import type { CreditService } from '../modules/credit/service.js';
import type { DelegationService } from '../modules/declaration/delegations.js';
import type { FilingRole } from '../modules/filing/model.js';
import type { OverseasWarehouses } from '../modules/filing/overseas-warehouses.js';
import type { FilingService } from '../modules/filing/service.js';
import type { IdentityService } from '../modules/identity/service.js';
import type { Role } from '../platform/http/auth.js';
import { demoCertificatePem } from './demo-pki.js';

/** The demo users' password. Demo data only: the users are flagged is_demo and listed as such at start-up. */
export const DEMO_PASSWORD = 'Demo@2026!';

/**
 * A valid demo USCC: 9 1 (company, registered with market regulation), 620100 (Lanzhou), an organisation code
 * MA7LHD0<n> with its GB 11714 check character, then the GB 32100 check character. The same on every machine.
 */
export function demoUscc(n: number): string {
  const body = `MA7LHD0${n}`;
  const first17 = `91620100${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

const DEMO_ENTERPRISES: { nameCn: string; nameEn: string; roles: FilingRole[]; user?: string }[] = [
  {
    nameCn: '【演示】兰州丝路跨境电商平台有限公司',
    nameEn: '[DEMO] Lanzhou Silk Road CBEC Platform Co., Ltd.',
    roles: ['ebp', 'ebc'],
    user: 'ebp.demo',
  },
  {
    nameCn: '【演示】甘肃陇货出海电子商务有限公司',
    nameEn: '[DEMO] Gansu Longhuo Global E-commerce Co., Ltd.',
    roles: ['ebc'],
    user: 'ebc.demo',
  },
  {
    nameCn: '【演示】西部跨境支付服务有限公司',
    nameEn: '[DEMO] Western Cross-border Payment Services Co., Ltd.',
    roles: ['payment'],
    user: 'payment.demo',
  },
  {
    nameCn: '【演示】兰州国际陆港物流有限公司',
    nameEn: '[DEMO] Lanzhou International Land Port Logistics Co., Ltd.',
    roles: ['logistics', 'agent', 'assure'],
    user: 'logistics.demo',
  },
  {
    nameCn: '【演示】兰州新区综保区仓储有限公司',
    nameEn: '[DEMO] Lanzhou New Area Bonded Warehousing Co., Ltd.',
    roles: ['warehouse', 'site_operator', 'assure'],
    user: 'warehouse.demo',
  },
];

/**
 * Demo delegations (委托关系), by index into DEMO_ENTERPRISES: the platform (also an e-commerce enterprise) and the
 * e-commerce enterprise let the logistics firm, filed as a declaring agent, declare their lists, cancellations and
 * returns (and the export lists and summary applications of the exporter).
 */
const DEMO_DELEGATIONS: { principal: number; delegate: number; types: string[] }[] = [
  { principal: 0, delegate: 3, types: ['CEB621Message', 'CEB623Message', 'CEB625Message'] },
  {
    principal: 1,
    delegate: 3,
    types: ['CEB621Message', 'CEB623Message', 'CEB625Message', 'CEB603Message', 'CEB605Message', 'CEB701Message'],
  },
];

/** Demo credit records (海关企业信用), by index into DEMO_ENTERPRISES, in force from Decree 282's first day. */
const DEMO_CREDIT: { enterprise: number; level: 'advanced' | 'dishonest'; basis: string }[] = [
  { enterprise: 0, level: 'advanced', basis: '【演示】高级认证企业（AEO）认证，演示数据' },
  { enterprise: 2, level: 'dishonest', basis: '【演示】超期未缴纳税款，认定为失信企业，演示数据' },
];

const DEMO_OFFICERS: { username: string; displayName: string; role: Role }[] = [
  { username: 'customs.demo', displayName: '【演示】兰州海关 审核员', role: 'customs' },
  { username: 'commerce.demo', displayName: '【演示】市商务局 审核员', role: 'commerce' },
  { username: 'tax.demo', displayName: '【演示】税务 监管员', role: 'tax' },
  { username: 'forex.demo', displayName: '【演示】外汇管理 监管员', role: 'forex' },
  { username: 'finance.demo', displayName: '【演示】金融 监管员', role: 'finance' },
];

export type DemoSummary = {
  users: { username: string; role: string; enterprise?: string }[];
  enterprises: { uscc: string; nameCn: string }[];
};

/**
 * Clearly named demo enterprises (【演示】…, approved) with their demo signing certificates (tables/demo-pki, issued
 * by the demo CA), demo users and, when given, demo credit records (one advanced, one dishonest, from 2026-04-01)
 * and demo delegations (the logistics firm declares the others' lists), for a first start.
 */
export async function seedDemo(
  identity: IdentityService,
  filing: FilingService,
  credit?: CreditService,
  delegations?: DelegationService,
  warehouses?: OverseasWarehouses,
): Promise<DemoSummary> {
  const system = { name: 'demo-seed', role: 'system' };
  const summary: DemoSummary = { users: [], enterprises: [] };
  const officers = [];
  for (const o of DEMO_OFFICERS) {
    officers.push(await identity.createUserTx(system, { ...o, password: DEMO_PASSWORD, isDemo: true }));
    summary.users.push({ username: o.username, role: o.role });
  }
  // The demo enterprises are filed and approved by the demo customs officer.
  const customs = officers[0]!;
  const officer = {
    kind: 'user' as const,
    userId: customs.id,
    username: customs.username,
    displayName: customs.displayName,
    role: customs.role,
    enterpriseUscc: null,
    mustChangePassword: false,
    sessionId: '',
  };
  const actor = { userId: customs.id, name: customs.username, role: customs.role };
  for (const [i, e] of DEMO_ENTERPRISES.entries()) {
    const uscc = demoUscc(i + 1);
    await filing.submit(officer, actor, {
      uscc,
      nameCn: e.nameCn,
      nameEn: e.nameEn,
      legalRepresentative: { name: '演示法人' },
      registeredAddress: `甘肃省兰州市兰州新区演示路 ${i + 1} 号（演示数据）`,
      regionCode: '620100',
      contacts: [
        { name: '演示联系人', phone: `1380931${String(1000 + i).padStart(4, '0')}`, email: `demo${i + 1}@example.com` },
      ],
      dxpId: `DXPENT${String(9000000000 + i)}`,
      roles: e.roles,
      ...(e.user ? { account: { username: e.user, password: DEMO_PASSWORD, displayName: `${e.nameCn} 管理员` } } : {}),
    });
    await filing.decide(officer, actor, uscc, 'approve');
    const pem = demoCertificatePem(uscc);
    if (pem) await filing.addCertificate(officer, actor, uscc, pem);
    summary.enterprises.push({ uscc, nameCn: e.nameCn });
    if (e.user) summary.users.push({ username: e.user, role: 'enterprise_admin', enterprise: uscc });
  }
  if (credit) {
    for (const c of DEMO_CREDIT) {
      await credit.record(actor, {
        uscc: demoUscc(c.enterprise + 1),
        level: c.level,
        validFrom: '2026-04-01',
        basis: c.basis,
      });
    }
  }
  if (delegations) {
    const today = shanghaiDate(new Date());
    for (const d of DEMO_DELEGATIONS) {
      await delegations.create({ ...actor, role: 'enterprise_admin' }, demoUscc(d.principal + 1), {
        delegateUscc: demoUscc(d.delegate + 1),
        messageTypes: d.types as never,
        validFrom: today,
        validUntil: addDays(today, 3 * 365),
        note: '【演示】委托申报清单，演示数据',
      });
    }
  }
  if (warehouses) {
    // the demo exporter's own warehouse at the end of the China–Europe rail line (9810 exports go there)
    const today = shanghaiDate(new Date());
    await warehouses.file({ ...actor, role: 'enterprise_admin' }, demoUscc(2), {
      nameCn: '【演示】陇货出海汉堡海外仓',
      country: '304',
      address: 'Demo-Allee 1, 21129 Hamburg (演示数据)',
      areaM2: '2400',
      goodsCategories: ['08', '09', '30', '84'],
      validFrom: today,
      validTo: addDays(today, 3 * 365),
    });
  }
  return summary;
}
