/**
 * The access matrix: every route × every caller, against the intended policy written out below.
 *
 * The route list comes from the running app (Fastify's route tree, cross-checked with the OpenAPI document), so a
 * new /api route that this table does not cover fails the run. For each cell:
 * - anonymous on a non-public route → 401 UNAUTHENTICATED;
 * - a caller the policy does not allow → 403;
 * - an allowed caller never gets 401/403 (nor a 500) for a sensible request (400/404/409/422 are fine).
 * Tenant isolation: an enterprise user or API key of demo enterprise 0 addressing demo enterprise 1 through any
 * `:uscc` route gets exactly the answer a nonexistent USCC gets (404, never 403), and the enterprise list shows
 * them their own enterprise only.
 */
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoUscc } from '../../src/app/demo.js';
import type { App } from '../../src/platform/http/app.js';
import type { Caller } from '../../src/platform/http/auth.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

type Who = 'anonymous' | Caller;
const WHO: readonly Who[] = [
  'anonymous',
  'platform_admin',
  'customs',
  'commerce',
  'tax',
  'forex',
  'finance',
  'enterprise_admin',
  'enterprise_operator',
  'api_key',
];
const OFFICERS = ['customs', 'commerce', 'tax', 'forex', 'finance'] as const;
const PEOPLE = ['platform_admin', ...OFFICERS, 'enterprise_admin', 'enterprise_operator'] as const;
const TENANT_BOUND = ['enterprise_admin', 'enterprise_operator', 'api_key'] as const;
const READERS = [...PEOPLE, 'api_key'] as const;
const DECIDERS = ['customs', 'commerce'] as const;
/** Who declares through the hub, and who reads its message log (the sender's own, or customs and the admin). */
const DECLARANTS = ['api_key', 'enterprise_admin', 'enterprise_operator'] as const;
const MESSAGE_READERS = [...DECLARANTS, 'customs', 'platform_admin'] as const;

/** What a test request needs to know about the seeded data. */
type Ctx = { uscc0: string; uscc1: string };
type Req = Omit<InjectOptions, 'method' | 'headers'>;

type Policy = {
  /** `public`: anyone (anonymous included); otherwise the callers allowed past authorisation. */
  access: 'public' | readonly Caller[];
  /** Callers that pass authorisation but are refused by the use case itself, with this 403 code. */
  refused?: { callers: readonly Caller[]; code: string };
  /** A sensible request; `uscc` is the enterprise addressed (routes with a `:uscc` parameter). */
  req(c: Ctx, uscc: string): Req;
};

const STRONG = 'Matrix#Passw0rd';
const FILED_BY_MATRIX = demoUscc(9);
const NONEXISTENT = demoUscc(8);

function filingFields(nameCn: string) {
  return {
    nameCn,
    legalRepresentative: { name: '张三' },
    registeredAddress: '甘肃省兰州市城关区测试路 1 号',
    regionCode: '620100',
    contacts: [{ name: '李四', phone: '13800000000' }],
    roles: ['ebc'],
  };
}

const SIGNED_RECORD = {
  record: {
    schema: 'cbec-zone/filing-record/v1',
    zone: { code: 'CN-XX', name: '某综试区' },
    issuedAt: '2026-01-01T00:00:00.000Z',
    enterprise: {
      uscc: demoUscc(7),
      customsCode: null,
      nameCn: '外地企业',
      nameEn: null,
      legalRepName: '王五',
      registeredAddress: '某地某路 1 号',
      regionCode: '620100',
      dxpId: null,
      roles: ['ebc'],
      status: 'approved',
      approvedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
    },
  },
  signature: { alg: 'SM2-SM3', keyId: 'k1', value: 'a'.repeat(128) },
};

/**
 * The intended access policy of every /api route, plus the platform's public endpoints. A GET entry also covers the
 * HEAD route Fastify derives from it. `POST /api/v1/auth/logout` must stay last: it ends the caller's session.
 */
const POLICY: Record<string, Policy> = {
  'GET /healthz': { access: 'public', req: () => ({ url: '/healthz' }) },
  'GET /readyz': { access: 'public', req: () => ({ url: '/readyz' }) },
  'GET /.well-known/cbec-zone/keys': { access: 'public', req: () => ({ url: '/.well-known/cbec-zone/keys' }) },
  'GET /openapi.json': { access: 'public', req: () => ({ url: '/openapi.json' }) },

  'GET /api/v1/audit': { access: ['platform_admin', ...OFFICERS], req: () => ({ url: '/api/v1/audit?pageSize=1' }) },

  'POST /api/v1/auth/login': {
    access: 'public',
    // An empty password fails validation (400) after authorisation, without the cost of a real sign-in.
    req: () => ({ url: '/api/v1/auth/login', payload: { username: 'tax.demo', password: '' } }),
  },
  'GET /api/v1/auth/me': { access: PEOPLE, req: () => ({ url: '/api/v1/auth/me' }) },
  'POST /api/v1/auth/password': {
    access: PEOPLE,
    req: () => ({
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'Not-the-current-1', newPassword: 'Another#Passw0rd' },
    }),
  },

  'GET /api/v1/users': { access: ['platform_admin'], req: () => ({ url: '/api/v1/users' }) },
  'POST /api/v1/users': {
    access: ['platform_admin'],
    req: () => ({
      url: '/api/v1/users',
      payload: { username: 'matrix.user', displayName: '矩阵用户', role: 'tax', password: STRONG },
    }),
  },
  'POST /api/v1/users/:id/password': {
    access: ['platform_admin'],
    req: () => ({ url: `/api/v1/users/${randomUUID()}/password`, payload: { password: STRONG } }),
  },
  'PATCH /api/v1/users/:id': {
    access: ['platform_admin'],
    req: () => ({ url: `/api/v1/users/${randomUUID()}`, payload: { status: 'active' } }),
  },

  'GET /api/v1/enterprises/:uscc/api-keys': {
    access: ['platform_admin', 'enterprise_admin'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/api-keys` }),
  },
  'POST /api/v1/enterprises/:uscc/api-keys': {
    access: ['enterprise_admin'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/api-keys`, payload: { name: 'matrix key' } }),
  },
  'DELETE /api/v1/enterprises/:uscc/api-keys/:id': {
    access: ['platform_admin', 'enterprise_admin'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/api-keys/${randomUUID()}` }),
  },

  'POST /api/v1/enterprises': {
    access: 'public',
    refused: { callers: TENANT_BOUND, code: 'ALREADY_BOUND' },
    req: () => ({
      url: '/api/v1/enterprises',
      payload: {
        uscc: FILED_BY_MATRIX,
        ...filingFields('矩阵测试有限公司'),
        account: { username: 'matrix.applicant', password: STRONG },
      },
    }),
  },
  'GET /api/v1/enterprises': { access: READERS, req: () => ({ url: '/api/v1/enterprises?pageSize=5' }) },
  'GET /api/v1/enterprises/:uscc': { access: READERS, req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}` }) },
  'GET /api/v1/enterprises/:uscc/history': {
    access: READERS,
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/history` }),
  },
  'GET /api/v1/enterprises/:uscc/record': {
    access: READERS,
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/record` }),
  },
  'POST /api/v1/enterprises/:uscc/decisions': {
    access: DECIDERS,
    // Reinstating an approved filing is an invalid transition (409): the matrix leaves the filing as it is.
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/decisions`, payload: { action: 'reinstate' } }),
  },
  'POST /api/v1/enterprises/:uscc/change-requests': {
    access: ['enterprise_admin'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/change-requests`, payload: { nameEn: 'Matrix Co.' } }),
  },
  'POST /api/v1/enterprises/:uscc/resubmission': {
    access: ['enterprise_admin'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/resubmission`, payload: filingFields('矩阵重提有限公司') }),
  },
  'POST /api/v1/enterprises/imports': {
    access: DECIDERS,
    req: () => ({ url: '/api/v1/enterprises/imports', payload: SIGNED_RECORD }),
  },

  'GET /api/v1/trusted-zones': {
    access: ['platform_admin', ...DECIDERS],
    req: () => ({ url: '/api/v1/trusted-zones' }),
  },
  'PUT /api/v1/trusted-zones/:zoneCode': {
    access: ['platform_admin'],
    req: () => ({
      url: '/api/v1/trusted-zones/CN-MX',
      payload: { name: '矩阵综试区', publicKey: `04${'a'.repeat(128)}` },
    }),
  },
  'DELETE /api/v1/trusted-zones/:zoneCode': {
    access: ['platform_admin'],
    req: () => ({ url: '/api/v1/trusted-zones/CN-NONE' }),
  },
  'GET /api/v1/uscc-exceptions': {
    access: ['platform_admin', ...DECIDERS],
    req: () => ({ url: '/api/v1/uscc-exceptions' }),
  },
  'POST /api/v1/uscc-exceptions': {
    access: ['platform_admin'],
    req: () => ({ url: '/api/v1/uscc-exceptions', payload: { uscc: '91620100MA7LHD0150', reason: '早期赋码' } }),
  },

  'GET /api/v1/enterprises/:uscc/certificates': {
    access: READERS,
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/certificates` }),
  },
  'POST /api/v1/enterprises/:uscc/certificates': {
    access: ['enterprise_admin'],
    // Not a certificate: 400 after authorisation.
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/certificates`, payload: { certificate: 'A'.repeat(120) } }),
  },
  'DELETE /api/v1/enterprises/:uscc/certificates/:id': {
    access: ['enterprise_admin', 'customs'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/certificates/${randomUUID()}` }),
  },
  'PUT /api/v1/enterprises/:uscc/signature-policy': {
    access: ['enterprise_admin', 'customs'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/signature-policy`, payload: { requireSignature: false } }),
  },

  // The trust store (证书信任): every signed-in caller sees which CAs the zone trusts; the admin changes it.
  'GET /api/v1/trust/cas': { access: READERS, req: () => ({ url: '/api/v1/trust/cas' }) },
  'POST /api/v1/trust/cas': {
    access: ['platform_admin'],
    // Not a certificate: 400 after authorisation, nothing trusted.
    req: () => ({ url: '/api/v1/trust/cas', payload: { certificate: 'A'.repeat(120), label: '矩阵' } }),
  },
  'DELETE /api/v1/trust/cas/:id': {
    access: ['platform_admin'],
    req: () => ({ url: `/api/v1/trust/cas/${randomUUID()}` }),
  },
  'POST /api/v1/trust/crls': {
    access: ['platform_admin'],
    req: () => ({ url: '/api/v1/trust/crls', payload: { crl: 'A'.repeat(80) } }),
  },
  'GET /api/v1/certificates/pending': {
    access: ['customs', 'platform_admin'],
    req: () => ({ url: '/api/v1/certificates/pending' }),
  },
  'POST /api/v1/enterprises/:uscc/certificates/:id/review': {
    access: ['customs'],
    req: (_c, uscc) => ({
      url: `/api/v1/enterprises/${uscc}/certificates/${randomUUID()}/review`,
      payload: { decision: 'approve', note: '矩阵' },
    }),
  },

  // Delegations (委托关系): both parties and officers read them; the principal's administrator records one,
  // either party's administrator ends one.
  'GET /api/v1/enterprises/:uscc/delegations': {
    access: [...PEOPLE, 'api_key'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/delegations` }),
  },
  'POST /api/v1/enterprises/:uscc/delegations': {
    access: ['enterprise_admin'],
    // The last day before the first: 400 after authorisation, nothing recorded.
    req: (_c, uscc) => ({
      url: `/api/v1/enterprises/${uscc}/delegations`,
      payload: {
        delegateUscc: demoUscc(4),
        messageTypes: ['CEB621Message'],
        validFrom: '2026-12-02',
        validUntil: '2026-12-01',
      },
    }),
  },
  'POST /api/v1/enterprises/:uscc/delegations/:id/revocation': {
    access: ['enterprise_admin'],
    req: (_c, uscc) => ({
      url: `/api/v1/enterprises/${uscc}/delegations/${randomUUID()}/revocation`,
      payload: { reason: '矩阵' },
    }),
  },

  // Overseas warehouses (海外仓备案): the operator's users and every officer read its filings, its administrator
  // files and withdraws them; officers and the admin search every filing.
  'GET /api/v1/overseas-warehouses': {
    access: ['platform_admin', ...OFFICERS],
    req: () => ({ url: '/api/v1/overseas-warehouses?pageSize=1' }),
  },
  'GET /api/v1/enterprises/:uscc/overseas-warehouses': {
    access: [...PEOPLE, 'api_key'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/overseas-warehouses` }),
  },
  'POST /api/v1/enterprises/:uscc/overseas-warehouses': {
    access: ['enterprise_admin'],
    // China (142) is not overseas: a 400 after authorisation, nothing filed.
    req: (_c, uscc) => ({
      url: `/api/v1/enterprises/${uscc}/overseas-warehouses`,
      payload: {
        nameCn: '矩阵仓',
        country: '142',
        address: 'Matrix Road 1',
        areaM2: '100',
        goodsCategories: ['84'],
        validFrom: '2026-12-01',
        validTo: '2027-12-01',
      },
    }),
  },
  'POST /api/v1/enterprises/:uscc/overseas-warehouses/:id/withdrawal': {
    access: ['enterprise_admin'],
    req: (_c, uscc) => ({
      url: `/api/v1/enterprises/${uscc}/overseas-warehouses/${randomUUID()}/withdrawal`,
      payload: { reason: '矩阵' },
    }),
  },

  'POST /api/v1/messages': {
    access: DECLARANTS,
    // An unknown message type: a 400 format receipt after authorisation.
    req: () => ({ url: '/api/v1/messages', payload: { type: 'CEB000Message' } }),
  },
  'GET /api/v1/messages': { access: MESSAGE_READERS, req: () => ({ url: '/api/v1/messages?pageSize=1' }) },
  'GET /api/v1/messages/:id': { access: MESSAGE_READERS, req: () => ({ url: `/api/v1/messages/${randomUUID()}` }) },
  'GET /api/v1/messages/:id/body': {
    access: MESSAGE_READERS,
    req: () => ({ url: `/api/v1/messages/${randomUUID()}/body?purpose=matrix` }),
  },
  'GET /api/v1/receipts': { access: DECLARANTS, req: () => ({ url: '/api/v1/receipts?after=0&limit=1' }) },

  'GET /api/v1/enterprises/:uscc/webhooks': {
    access: ['platform_admin', 'enterprise_admin', 'api_key'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/webhooks` }),
  },
  'POST /api/v1/enterprises/:uscc/webhooks': {
    access: ['enterprise_admin', 'api_key'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/webhooks`, payload: { url: 'ftp://hooks.example.com/x' } }),
  },
  'DELETE /api/v1/enterprises/:uscc/webhooks/:id': {
    access: ['enterprise_admin', 'api_key'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/webhooks/${randomUUID()}` }),
  },
  'GET /api/v1/enterprises/:uscc/webhooks/deliveries': {
    access: ['platform_admin', 'enterprise_admin', 'api_key'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/webhooks/deliveries?status=failed` }),
  },
  'POST /api/v1/enterprises/:uscc/webhooks/deliveries/:id/replay': {
    access: ['enterprise_admin', 'api_key'],
    req: (_c, uscc) => ({ url: `/api/v1/enterprises/${uscc}/webhooks/deliveries/999999999/replay` }),
  },

  // Names of filed enterprises beside their codes: public facts, for every signed-in person (not API keys).
  'GET /api/v1/enterprise-names': {
    access: PEOPLE,
    req: (c) => ({ url: `/api/v1/enterprise-names?code=${c.uscc0}&code=${c.uscc1}` }),
  },

  // 信用管理: every enterprise's level, for officers and the admin only.
  'GET /api/v1/credit': {
    access: ['platform_admin', ...OFFICERS],
    req: () => ({ url: '/api/v1/credit?level=dishonest&pageSize=5' }),
  },
  'GET /api/v1/credit/:uscc': { access: READERS, req: (_c, uscc) => ({ url: `/api/v1/credit/${uscc}` }) },
  'POST /api/v1/credit/records': {
    access: ['customs', 'platform_admin'],
    // valid_to before valid_from: a 422 after authorisation, nothing recorded.
    req: (c) => ({
      url: '/api/v1/credit/records',
      payload: { uscc: c.uscc0, level: 'general', validFrom: '2026-05-02', validTo: '2026-05-01', basis: '矩阵' },
    }),
  },

  'POST /api/v1/tax/estimate': {
    access: ['api_key', 'enterprise_admin', 'enterprise_operator', 'customs', 'tax', 'platform_admin'],
    req: () => ({ url: '/api/v1/tax/estimate', payload: { items: [], freight: '0', insurance: '0' } }),
  },

  // Reference tables (参数表): everyone signed in reads them; the platform admin and customs load new versions.
  'GET /api/v1/tables': { access: READERS, req: () => ({ url: '/api/v1/tables' }) },
  'GET /api/v1/tables/versions/:id/content': {
    access: READERS,
    req: () => ({ url: `/api/v1/tables/versions/${randomUUID()}/content` }),
  },
  'POST /api/v1/tables/:kind': {
    access: ['platform_admin', 'customs'],
    // A JSON body instead of the file: 415 after authorisation, nothing loaded.
    req: () => ({ url: '/api/v1/tables/holidays?fileName=matrix.csv', payload: { content: 'date,kind,name' } }),
  },

  // Clearance (通关): enterprises see their own lists and bills; customs officers decide reviews and inspections.
  'GET /api/v1/clearance/lists': { access: READERS, req: () => ({ url: '/api/v1/clearance/lists' }) },
  'GET /api/v1/clearance/lists/:id': {
    access: READERS,
    req: () => ({ url: `/api/v1/clearance/lists/${randomUUID()}` }),
  },
  'GET /api/v1/clearance/lists/:id/replay': {
    access: ['customs', 'platform_admin'],
    req: () => ({ url: `/api/v1/clearance/lists/${randomUUID()}/replay` }),
  },
  'POST /api/v1/clearance/lists/:id/decision': {
    access: ['customs'],
    req: () => ({
      url: `/api/v1/clearance/lists/${randomUUID()}/decision`,
      payload: { decision: 'release', note: '矩阵' },
    }),
  },
  'POST /api/v1/clearance/returns/:id/arrival': {
    access: ['customs'],
    req: () => ({ url: `/api/v1/clearance/returns/${randomUUID()}/arrival` }),
  },
  'GET /api/v1/tax/bills': { access: READERS, req: () => ({ url: '/api/v1/tax/bills' }) },
  'GET /api/v1/tax/due': { access: READERS, req: () => ({ url: '/api/v1/tax/due?month=2026-11' }) },
  'POST /api/v1/tax/consolidations': {
    access: ['enterprise_admin', 'api_key'],
    // an invalid month: 400 after authorisation, nothing consolidated
    req: () => ({ url: '/api/v1/tax/consolidations', payload: { month: '2026-13' } }),
  },
  'POST /api/v1/bonded/entries': {
    access: ['enterprise_admin', 'enterprise_operator', 'api_key', 'customs'],
    req: () => ({ url: '/api/v1/bonded/entries', payload: { areaCode: 'X', entryNo: 'E', items: [] } }),
  },
  'GET /api/v1/bonded/stock': {
    access: ['enterprise_admin', 'enterprise_operator', 'api_key', ...OFFICERS, 'platform_admin'],
    req: () => ({ url: '/api/v1/bonded/stock' }),
  },
  'POST /api/v1/quota/check': {
    access: ['api_key', 'enterprise_admin', 'enterprise_operator'],
    req: () => ({
      url: '/api/v1/quota/check',
      // no amount and no consent: 400 after authorisation, nothing checked
      payload: { buyerName: '王小明', buyerIdType: '1', buyerIdNumber: '11010519491231002X' },
    }),
  },

  'POST /api/v1/auth/logout': { access: 'public', req: () => ({ url: '/api/v1/auth/logout' }) },
};

/** Every route of the app as `METHOD /url`, read from Fastify's route tree (hidden routes included). */
function routesOf(app: App): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    stack.length = depth;
    stack.push(m[2] as string);
    for (const method of m[3]?.split(', ') ?? []) out.push(`${method} ${stack.join('')}`);
  }
  return out.sort();
}

/** The /api operations of the OpenAPI document, as `METHOD /url` with `:param` placeholders. */
function documentedApiRoutes(app: App): string[] {
  const paths = (app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths;
  return Object.entries(paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    .sort();
}

/** The table entry of a route; a HEAD route is governed by its GET route. */
function policyKey(route: string): string {
  return route.startsWith('HEAD ') ? `GET ${route.slice(5)}` : route;
}

function expectationOf(policy: Policy, who: Who): { status: 'allowed' | 401 | 403; code?: string } {
  if (policy.access === 'public') {
    const refused = who !== 'anonymous' && policy.refused?.callers.includes(who);
    return refused ? { status: 403, code: policy.refused?.code } : { status: 'allowed' };
  }
  if (who === 'anonymous') return { status: 401, code: 'UNAUTHENTICATED' };
  if (!policy.access.includes(who)) return { status: 403, code: 'FORBIDDEN' };
  return policy.refused?.callers.includes(who) ? { status: 403, code: policy.refused.code } : { status: 'allowed' };
}

// The cases, built statically from the table (HEAD cases are added for every GET route of the table).
const TABLE_ROUTES = Object.keys(POLICY);
const CASE_ROUTES = [
  ...TABLE_ROUTES.filter((r) => r !== 'POST /api/v1/auth/logout'),
  ...TABLE_ROUTES.filter((r) => r.startsWith('GET ')).map((r) => `HEAD ${r.slice(4)}`),
  'POST /api/v1/auth/logout',
];
const MATRIX = CASE_ROUTES.flatMap((route) =>
  WHO.map((who) => {
    const e = expectationOf(POLICY[policyKey(route)] as Policy, who);
    const [method, url] = route.split(' ') as [string, string];
    return { route, method, url, who, ...e, name: `${method} ${url} as ${who} → ${e.status}` };
  }),
);

describe('access matrix', () => {
  let t: TestPlatform;
  let ctx: Ctx;
  const headers = new Map<Who, Record<string, string>>();

  function call(who: Who, method: string, r: Req) {
    return t.app.inject({ ...r, method: method as InjectOptions['method'], headers: headers.get(who) ?? {} });
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    const [e0, e1] = t.report.demo?.enterprises ?? [];
    if (!e0 || !e1) throw new Error('demo enterprises missing');
    ctx = { uscc0: e0.uscc, uscc1: e1.uscc };
    const system = { name: 'access-matrix', role: 'system' };
    await t.p.identity.createUserTx(system, {
      username: 'operator.matrix',
      displayName: '矩阵操作员',
      role: 'enterprise_operator',
      enterpriseUscc: ctx.uscc0,
      password: STRONG,
    });
    const { secret } = await t.p.identity.createApiKey(system, ctx.uscc0, 'matrix', null);
    const users: [Who, string, string][] = [
      ['platform_admin', 'admin', t.adminPassword],
      ['customs', 'customs.demo', DEMO_PASSWORD],
      ['commerce', 'commerce.demo', DEMO_PASSWORD],
      ['tax', 'tax.demo', DEMO_PASSWORD],
      ['forex', 'forex.demo', DEMO_PASSWORD],
      ['finance', 'finance.demo', DEMO_PASSWORD],
      ['enterprise_admin', 'ebp.demo', DEMO_PASSWORD],
      ['enterprise_operator', 'operator.matrix', STRONG],
    ];
    const cookies = await Promise.all(users.map(([, u, pw]) => login(t.app, u, pw)));
    users.forEach(([who], i) => {
      headers.set(who, { cookie: cookies[i] as string });
    });
    headers.set('api_key', { authorization: `Bearer ${secret}` });
    headers.set('anonymous', {});
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the sessions and the key belong to the intended roles', async () => {
    for (const who of PEOPLE) {
      const res = await call(who, 'GET', { url: '/api/v1/auth/me' });
      expect(res.json().user.role).toBe(who);
    }
    const res = await call('api_key', 'GET', { url: `/api/v1/enterprises/${ctx.uscc0}` });
    expect(res.statusCode).toBe(200);
  });

  it('the table covers every /api route of the app, and nothing else', () => {
    const api = routesOf(t.app).filter((r) => r.split(' ')[1]?.startsWith('/api/'));
    // The route-tree parser must see what the OpenAPI document lists (guards the parser itself) ...
    expect(api).toEqual(expect.arrayContaining(documentedApiRoutes(t.app)));
    // ... and every route, hidden or not, needs an entry in the table.
    expect(api.filter((r) => !(policyKey(r) in POLICY))).toEqual([]);
    const known = new Set(routesOf(t.app));
    expect(TABLE_ROUTES.filter((r) => !known.has(r))).toEqual([]);
  });

  it('every /api route is documented in the OpenAPI document', () => {
    const documented = new Set(documentedApiRoutes(t.app));
    const api = routesOf(t.app).filter((r) => r.split(' ')[1]?.startsWith('/api/') && !r.startsWith('HEAD '));
    expect(api.filter((r) => !documented.has(r))).toEqual([]);
  });

  describe('tenant isolation', () => {
    const uscc = (route: string) => route.includes(':uscc');
    const TENANT_CASES = CASE_ROUTES.filter(uscc).flatMap((route) =>
      TENANT_BOUND.map((who) => {
        const e = expectationOf(POLICY[policyKey(route)] as Policy, who);
        const expected = e.status === 'allowed' ? 404 : e.status;
        return { route, who, expected, name: `${route} as ${who} of enterprise 0 for enterprise 1 → ${expected}` };
      }),
    );

    it.each(TENANT_CASES)('$name', async ({ route, who, expected }) => {
      const [method, path] = route.split(' ') as [string, string];
      const policy = POLICY[policyKey(route)] as Policy;
      const other = await call(who, method, policy.req(ctx, ctx.uscc1));
      const nobody = await call(who, method, policy.req(ctx, NONEXISTENT));
      expect(other.statusCode, `${method} ${path}`).toBe(expected);
      // Exactly what a nonexistent USCC gets: nothing tells that enterprise 1 exists.
      expect(nobody.statusCode).toBe(other.statusCode);
      if (method !== 'HEAD') {
        const strip = (b: string) => ({ ...JSON.parse(b).error, requestId: undefined });
        expect(strip(other.body)).toEqual(strip(nobody.body));
        expect(other.json().error.code).toBe(expected === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
      }
    });

    it.each(TENANT_BOUND)('GET /api/v1/enterprises as %s lists only its own enterprise', async (who) => {
      const all = await call(who, 'GET', { url: '/api/v1/enterprises?pageSize=200' });
      expect(all.statusCode).toBe(200);
      expect(all.json()).toMatchObject({ total: 1, items: [{ uscc: ctx.uscc0 }] });
      expect(all.json().items).toHaveLength(1);
      // Filters cannot widen the view: searching for enterprise 1 by name, or by status, finds nothing else.
      const other = await call('platform_admin', 'GET', { url: `/api/v1/enterprises/${ctx.uscc1}` });
      const name = encodeURIComponent(other.json().enterprise.nameCn);
      const byName = await call(who, 'GET', { url: `/api/v1/enterprises?q=${name}` });
      expect(byName.json()).toMatchObject({ total: 0, items: [] });
      const byStatus = await call(who, 'GET', {
        url: '/api/v1/enterprises?status=approved&status=submitted&status=change_requested',
      });
      expect(byStatus.json().items.map((e: { uscc: string }) => e.uscc)).toEqual([ctx.uscc0]);
    });
  });

  describe('every route × every caller', () => {
    it.each(MATRIX)('$name', async ({ route, method, url, who, status, code }) => {
      const policy = POLICY[policyKey(route)] as Policy;
      const res = await call(who, method, policy.req(ctx, ctx.uscc0));
      const where = `${method} ${url} as ${who}: ${res.statusCode} ${res.body.slice(0, 300)}`;
      if (status === 'allowed') {
        expect([401, 403], where).not.toContain(res.statusCode);
        expect(res.statusCode, where).toBeLessThan(500);
        return;
      }
      expect(res.statusCode, where).toBe(status);
      if (method !== 'HEAD') expect(res.json().error.code, where).toBe(code);
    });
  });
});
