/**
 * The party × message-kind matrix: a declaration binds the filed enterprise that sends it (issue 8 §1). For every
 * message kind enterprises send (the 19 data messages of the 2022-05 standard), built from its official sample:
 * - declared by an enterprise filed in each role, standing in the declarant's field: accepted only in the role the
 *   standard names (declarants.ts), otherwise -10101;
 * - declared by a delegate under a recorded delegation (委托): accepted where the standard allows delegation, and
 *   not once the delegation is revoked; where it does not, no delegation can be recorded;
 * - declared by an unrelated enterprise (filed in every role, named nowhere): -10103 (or -10104 when the record's
 *   declaring unit is someone else), saying nothing of whether the record exists;
 * - changed (appType 2) by an enterprise that did not declare it: -10105 or -10103.
 * The messages go as JSON (CBEC_JSON_DECLARATIONS=accept) so that the matrix is about the sender; signatures have
 * tests of their own (intake.test.ts, trust.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgCodeCheckCharacter, usccCheckCharacter } from '../../src/kernel/codes/uscc.js';
import { type CebMessage, type CebRecord, parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import type { CebMessageType } from '../../src/modules/declaration/ceb/definitions.generated.js';
import { DECLARANTS, type DeclarantRule } from '../../src/modules/declaration/declarants.js';
import { headOf, MESSAGE_SPECS } from '../../src/modules/declaration/model.js';
import { FILING_ROLES, type FilingRole } from '../../src/modules/filing/model.js';
import { sample } from '../ceb/samples.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/** A valid USCC for test enterprise `n` (GB 32100 and GB 11714 check characters computed). */
function usccOf(n: number): string {
  const body = `MTX${String(n).padStart(5, '0')}`;
  const first17 = `91620100${body}${orgCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

/** The code fields the filing check knows, with the role each must be filed in. */
const FIELD_ROLE: Record<string, FilingRole> = {
  ebpCode: 'ebp',
  ebcCode: 'ebc',
  payCode: 'payment',
  logisticsCode: 'logistics',
  agentCode: 'agent',
  assureCode: 'assure',
  operatorCode: 'site_operator',
};

const TYPES = [...MESSAGE_SPECS.keys()];

describe('the party × message-kind matrix (三单申报 binds its sender)', () => {
  let t: TestPlatform;
  /** One enterprise filed in each single role, and one filed in every role but named in no record. */
  const only = {} as Record<FilingRole, { uscc: string; key: string }>;
  let unrelated: { uscc: string; key: string };
  let delegate: { uscc: string; key: string };
  /** A logistics firm that is also the guarantor (a list's guarantor is its declaring unit, ebc or logistics firm). */
  let carrierGuarantor: { uscc: string; key: string };
  let seq = 0;

  beforeAll(async () => {
    t = await startTestPlatform({ demo: false, config: { jsonDeclarations: 'accept' } });
    const officer = await t.p.identity.createUserTx(
      { name: 'test' },
      { username: 'matrix.customs', displayName: '关员', role: 'customs', password: 'Matrix#Passw0rd' },
    );
    const principal = {
      kind: 'user' as const,
      userId: officer.id,
      username: officer.username,
      displayName: officer.displayName,
      role: 'customs' as const,
      enterpriseUscc: null,
      sessionId: '',
      mustChangePassword: false,
    };
    const actor = { userId: officer.id, name: officer.username, role: 'customs' };
    const file = async (n: number, roles: FilingRole[]) => {
      const uscc = usccOf(n);
      await t.p.filing.submit(principal, actor, {
        uscc,
        nameCn: `矩阵企业 ${n}（${roles.join('+')}）`,
        legalRepresentative: { name: '测试' },
        registeredAddress: '甘肃省兰州市测试路 1 号',
        regionCode: '620100',
        contacts: [{ name: '联系人', phone: '13800000000' }],
        roles,
      });
      await t.p.filing.decide(principal, actor, uscc, 'approve');
      const key = (await t.p.identity.createApiKey({ name: 'test' }, uscc, 'matrix', null)).secret;
      return { uscc, key };
    };
    for (const [i, role] of FILING_ROLES.entries()) only[role] = await file(i + 1, [role]);
    unrelated = await file(50, [...FILING_ROLES]);
    // the delegate is filed as a logistics firm (express/postal operator) and as a declaring agent
    delegate = await file(60, ['logistics', 'agent']);
    carrierGuarantor = await file(70, ['logistics', 'assure']);
  });
  afterAll(() => t.close());

  /** The first record of the official sample, every party code pointing at the enterprise filed in its role. */
  function record(type: CebMessageType): CebRecord {
    const parsed = parseCeb(sample(type));
    if (!parsed.ok) throw new Error(`${type} sample: ${JSON.stringify(parsed.errors)}`);
    const spec = MESSAGE_SPECS.get(type)!;
    const rec = structuredClone(parsed.message.records[0] as CebRecord);
    const head = headOf(spec, rec);
    for (const [field, role] of Object.entries(FIELD_ROLE)) {
      if (typeof head[field] === 'string' && head[field] !== '' && head[field] !== '无') head[field] = only[role].uscc;
    }
    if (type === 'CEB621Message') head.logisticsCode = head.assureCode = carrierGuarantor.uscc;
    head.appType = '1';
    head.appTime = '20261201100000';
    // a fresh business key each time
    seq++;
    for (const f of spec.keyFields) {
      if (f in FIELD_ROLE || f === 'msgSeqNo' || f === 'logisticsStatus') continue;
      head[f] = `MX${String(seq).padStart(6, '0')}`;
    }
    if ('copNo' in head) head.copNo = `MXC${String(seq).padStart(6, '0')}`;
    return rec;
  }

  const message = (type: CebMessageType, rec: CebRecord, sender: string): CebMessage => ({
    type,
    guid: crypto.randomUUID().toUpperCase(),
    version: '1.0',
    records: [rec],
    baseTransfer: { copCode: sender, copName: '矩阵传输企业', dxpMode: 'DXP', dxpId: 'DXPENT0000000001' },
  });

  const send = async (type: CebMessageType, rec: CebRecord, who: { uscc: string; key: string }) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      payload: message(type, rec, who.uscc),
      headers: { authorization: `Bearer ${who.key}`, 'content-type': 'application/json' },
    });
    return {
      status: res.statusCode,
      receipt: res.json().receipt as { status: string; errors: { code: string; path: string }[] },
    };
  };

  /** Puts `uscc` in the declarant's place: the principal field and, where the record has one, its declaring unit. */
  function asDeclarant(type: CebMessageType, rec: CebRecord, field: string, uscc: string, unit = uscc): CebRecord {
    const head = headOf(MESSAGE_SPECS.get(type)!, rec);
    head[field] = uscc;
    const rule = DECLARANTS[type] as DeclarantRule;
    if (rule.declaringUnit) head[rule.declaringUnit] = unit;
    return rec;
  }

  it('every message kind enterprises send has a declarant rule', () => {
    expect(TYPES).toHaveLength(19);
    for (const type of TYPES) expect(DECLARANTS[type], type).toBeDefined();
  });

  it('a list’s guarantor (assureCode) is only its declaring unit, e-commerce enterprise or logistics firm (-10101)', async () => {
    const list = () => asDeclarant('CEB621Message', record('CEB621Message'), 'ebcCode', only.ebc.uscc);
    const other = list();
    headOf(MESSAGE_SPECS.get('CEB621Message')!, other).assureCode = only.assure.uscc; // filed as assure, unrelated
    const r = await send('CEB621Message', other, only.ebc);
    expect(r.status).toBe(422);
    expect(r.receipt.errors).toEqual([
      expect.objectContaining({ code: '-10101', path: expect.stringMatching(/InventoryHead\/assureCode$/) }),
    ]);
    expect((await send('CEB621Message', list(), only.ebc)).status).toBe(200);
  });

  describe.each(TYPES)('%s', (type) => {
    const rule = () => DECLARANTS[type] as DeclarantRule;

    it('is accepted from each enterprise the standard names, filed in that role; refused (-10101) in any other role', async () => {
      for (const p of rule().principals) {
        for (const role of FILING_ROLES) {
          const sender = only[role];
          const r = await send(type, asDeclarant(type, record(type), p.field, sender.uscc), sender);
          if (role === p.role) {
            expect(r.status, `${type} ${p.field} by ${role}: ${JSON.stringify(r.receipt.errors)}`).toBe(200);
          } else {
            expect(r.status, `${type} ${p.field} by ${role}`).not.toBe(200);
            expect(
              r.receipt.errors.map((e) => e.code),
              `${type} ${p.field} by ${role}`,
            ).toContain('-10101');
          }
        }
      }
    });

    it('is refused from an unrelated enterprise (-10103/-10104), whether the record exists or not', async () => {
      const p0 = rule().principals[0]!;
      const rec = asDeclarant(type, record(type), p0.field, only[p0.role].uscc);
      const first = await send(type, rec, only[p0.role]);
      expect(first.status, JSON.stringify(first.receipt.errors)).toBe(200);
      // a change of the existing record and a new one: the same refusal, nothing said about existence
      const changed = structuredClone(rec);
      const h = headOf(MESSAGE_SPECS.get(type)!, changed);
      h.appType = '2';
      h.appTime = '20261201110000';
      if (rule().declaringUnit) h[rule().declaringUnit as string] = unrelated.uscc;
      const r1 = await send(type, changed, unrelated);
      const fresh = record(type);
      if (rule().declaringUnit)
        headOf(MESSAGE_SPECS.get(type)!, fresh)[rule().declaringUnit as string] = unrelated.uscc;
      const r2 = await send(type, fresh, unrelated);
      for (const r of [r1, r2]) {
        expect(r.status).toBe(403);
        expect(r.receipt.errors.map((e) => e.code)).toEqual([rule().declaringUnit ? '-10103' : '-10103']);
      }
      // naming someone else as the declaring unit is -10104
      if (rule().declaringUnit) {
        const r3 = await send(type, record(type), unrelated);
        expect(r3.status).toBe(403);
        expect(r3.receipt.errors.map((e) => e.code)).toContain('-10104');
      }
    });

    it('is accepted from a delegate only under a delegation in force, where the standard allows one', async () => {
      const p = rule().principals[0]!;
      const principal = only[p.role];
      const delegated = () => asDeclarant(type, record(type), p.field, principal.uscc, delegate.uscc);
      const before = await send(type, delegated(), delegate);
      expect(before.status).toBe(403);
      expect(before.receipt.errors.map((e) => e.code)).toContain('-10103');
      const admin = { userId: null, name: 'matrix', role: 'enterprise_admin' };
      const period = { validFrom: '2026-01-01', validUntil: '2027-12-31' };
      if (rule().delegableTo.length === 0) {
        await expect(
          t.p.delegations.create(admin, principal.uscc, {
            delegateUscc: delegate.uscc,
            messageTypes: [type],
            ...period,
          }),
        ).rejects.toMatchObject({ status: 400, details: [expect.objectContaining({ code: 'NOT_DELEGABLE' })] });
        return;
      }
      const d = await t.p.delegations.create(admin, principal.uscc, {
        delegateUscc: delegate.uscc,
        messageTypes: [type],
        ...period,
      });
      const during = await send(type, delegated(), delegate);
      expect(during.status, JSON.stringify(during.receipt.errors)).toBe(200);
      // the principal sees what its delegate sent on its behalf: the receipt goes to both
      const feed = await t.app.inject({
        method: 'GET',
        url: '/api/v1/receipts?after=0&limit=1000',
        headers: { authorization: `Bearer ${principal.key}` },
      });
      expect(feed.json().items.some((i: { type: string }) => i.type === MESSAGE_SPECS.get(type)!.receiptType)).toBe(
        true,
      );
      await t.p.delegations.revoke(admin, principal.uscc, d.id, '矩阵测试结束');
      const after = await send(type, delegated(), delegate);
      expect(after.status).toBe(403);
      expect(after.receipt.errors.map((e) => e.code)).toContain('-10103');
    });

    it('a change (appType 2) comes only from the original declarer', async () => {
      const principals = rule().principals;
      const rec = record(type);
      const first = await send(
        type,
        asDeclarant(type, rec, principals[0]!.field, only[principals[0]!.role].uscc),
        only[principals[0]!.role],
      );
      expect(first.status, JSON.stringify(first.receipt.errors)).toBe(200);
      const h = headOf(MESSAGE_SPECS.get(type)!, rec);
      h.appType = '2';
      h.appTime = '20261201120000';
      if (principals.length > 1) {
        // another party the record names (say the platform of an order the e-commerce enterprise declared)
        const other = only[principals[1]!.role];
        if (rule().declaringUnit) h[rule().declaringUnit as string] = other.uscc;
        const r = await send(type, rec, other);
        expect(r.status).toBe(403);
        expect(r.receipt.errors.map((e) => e.code)).toEqual(['-10105']);
      } else {
        const r = await send(type, rec, unrelated);
        expect(r.status).toBe(403);
      }
      // the declarer itself may change it (where the kind allows changes at all)
      if (rule().declaringUnit) h[rule().declaringUnit as string] = only[principals[0]!.role].uscc;
      const own = await send(type, rec, only[principals[0]!.role]);
      expect(own.receipt.errors.map((e) => e.code)).not.toContain('-10105');
      expect(own.receipt.errors.map((e) => e.code)).not.toContain('-10103');
    });
  });
});
