import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CebMessageType } from '../../src/modules/declaration/ceb/definitions.generated.js';
import {
  changeAllowed,
  DECLARANTS,
  declarerOf,
  declaringUnitIsPrincipal,
  delegableKinds,
  type Party,
  standingOf,
} from '../../src/modules/declaration/declarants.js';
import { MESSAGE_SPECS } from '../../src/modules/declaration/model.js';
import { FILING_ROLES, type FilingRole } from '../../src/modules/filing/model.js';

const A = '91620100MA7LHD015D';
const B = '91620100MA7LHD0238';
const C = '91620100MA7LHD0313';
const party = (uscc: string, roles: FilingRole[], filed = true): Party => ({ uscc, roles, filed });

describe('who declares what (ceb-messages.md §1.2, §1.3; XSD annotations)', () => {
  it('every data message enterprises send has a rule, and no receipt has one', () => {
    for (const type of MESSAGE_SPECS.keys()) expect(DECLARANTS[type], type).toBeDefined();
    for (const type of Object.keys(DECLARANTS)) expect(MESSAGE_SPECS.has(type as CebMessageType), type).toBe(true);
  });

  it.each([
    ['CEB311Message', ['ebpCode:ebp', 'ebcCode:ebc'], undefined, ['logistics']],
    ['CEB411Message', ['payCode:payment'], undefined, ['logistics']],
    ['CEB511Message', ['logisticsCode:logistics'], undefined, []],
    ['CEB513Message', ['logisticsCode:logistics'], undefined, []],
    ['CEB621Message', ['ebcCode:ebc'], 'agentCode', ['agent']],
    ['CEB623Message', ['ebcCode:ebc'], 'agentCode', ['agent']],
    ['CEB625Message', ['ebcCode:ebc'], 'agentCode', ['agent']],
    ['CEB711Message', ['operatorCode:site_operator'], undefined, []],
    ['CEB303Message', ['ebpCode:ebp', 'ebcCode:ebc'], undefined, []],
    ['CEB403Message', ['payCode:payment', 'ebcCode:ebc'], undefined, []],
    ['CEB505Message', ['logisticsCode:logistics'], undefined, []],
    ['CEB507Message', ['operatorCode:site_operator', 'logisticsCode:logistics'], undefined, []],
    ['CEB509Message', ['logisticsCode:logistics'], undefined, []],
    ['CEB603Message', ['ebcCode:ebc'], 'agentCode', ['agent']],
    ['CEB605Message', ['ebcCode:ebc'], 'agentCode', ['agent']],
    ['CEB607Message', ['logisticsCode:logistics'], 'agentCode', ['agent']],
    ['CEB213Message', ['ebcCode:ebc'], 'agentCode', ['agent']],
    ['CEB215Message', ['operatorCode:site_operator', 'logisticsCode:logistics'], undefined, []],
    ['CEB701Message', ['ebcCode:ebc'], 'agentCode', ['agent']],
  ] as const)('%s: declared by %j, declaring unit %s, delegable to %j', (type, principals, unit, delegable) => {
    const r = DECLARANTS[type as CebMessageType]!;
    expect(r.principals.map((p) => `${p.field}:${p.role}`)).toEqual(principals);
    expect(r.declaringUnit).toBe(unit);
    expect(r.delegableTo).toEqual(delegable);
  });

  it('a platform may delegate its orders; an agent-only enterprise has nothing to delegate', () => {
    expect(delegableKinds(['ebp']).map((k) => k.type)).toEqual(['CEB311Message']);
    expect(delegableKinds(['ebc']).map((k) => k.type)).toContain('CEB621Message');
    expect(delegableKinds(['agent'])).toEqual([]);
  });
});

describe('standingOf: the sender is a principal filed in its role, or a delegate of one', () => {
  const order = DECLARANTS.CEB311Message!;
  const list = DECLARANTS.CEB621Message!;
  const parties = new Map<string, Party>([
    [A, party(A, ['ebp', 'ebc'])],
    [B, party(B, ['ebc'])],
    [C, party(C, ['logistics', 'agent'])],
  ]);
  const ctx = (uscc: string, delegators: string[] = []) => ({ uscc, parties, delegators: new Set(delegators) });

  it('the platform or the e-commerce enterprise of an order sends it itself', () => {
    const head = { ebpCode: A, ebcCode: B };
    expect(standingOf('CEB311Message', order, head, ctx(A))).toEqual({ ok: true, actingFor: [A], asDelegate: false });
    expect(standingOf('CEB311Message', order, head, ctx(B))).toEqual({ ok: true, actingFor: [B], asDelegate: false });
  });

  it('an enterprise the order does not name is refused -10103 at the first principal field', () => {
    const s = standingOf('CEB311Message', order, { ebpCode: A, ebcCode: B }, ctx(C));
    expect(s).toMatchObject({ ok: false, error: { code: '-10103', field: 'ebpCode' } });
  });

  it('a named sender not filed in that role is -10101, naming the role in words', () => {
    const s = standingOf('CEB311Message', order, { ebpCode: B, ebcCode: A }, ctx(B));
    // B stands as ebpCode but is filed only as ebc; A (the ebc) did not send it
    expect(s).toMatchObject({ ok: false, error: { code: '-10101', field: 'ebpCode' } });
    if (!s.ok) expect(s.error.message.zh).toContain('电商平台（ebp）');
  });

  it('a delegate acts for the principals that delegated the kind to it, if filed in a delegable role', () => {
    const head = { ebpCode: A, ebcCode: B };
    expect(standingOf('CEB311Message', order, head, ctx(C, [B]))).toEqual({
      ok: true,
      actingFor: [B],
      asDelegate: true,
    });
    const notLogistics = new Map(parties).set(C, party(C, ['agent']));
    const s = standingOf('CEB311Message', order, head, { uscc: C, parties: notLogistics, delegators: new Set([B]) });
    expect(s).toMatchObject({ ok: false, error: { code: '-10101' } });
  });

  it('a list is sent by its declaring unit (agentCode): the e-commerce enterprise itself or its delegated agent', () => {
    expect(standingOf('CEB621Message', list, { ebcCode: B, agentCode: B }, ctx(B))).toMatchObject({ ok: true });
    expect(standingOf('CEB621Message', list, { ebcCode: B, agentCode: C }, ctx(C, [B]))).toMatchObject({
      ok: true,
      actingFor: [B],
    });
    // an agent without the delegation
    expect(standingOf('CEB621Message', list, { ebcCode: B, agentCode: C }, ctx(C))).toMatchObject({
      ok: false,
      error: { code: '-10103' },
    });
    // the declaring unit is somebody else: -10104 at agentCode, even for the e-commerce enterprise
    expect(standingOf('CEB621Message', list, { ebcCode: B, agentCode: C }, ctx(B))).toMatchObject({
      ok: false,
      error: { code: '-10104', field: 'agentCode' },
    });
  });

  it('a foreign party ("无") is never the sender; a suspended filing never stands', () => {
    expect(standingOf('CEB303Message', DECLARANTS.CEB303Message!, { ebpCode: '无', ebcCode: B }, ctx(B))).toMatchObject(
      { ok: true },
    );
    const suspended = new Map(parties).set(B, party(B, ['ebc'], false));
    expect(
      standingOf(
        'CEB311Message',
        order,
        { ebpCode: A, ebcCode: B },
        { uscc: B, parties: suspended, delegators: new Set() },
      ),
    ).toMatchObject({ ok: false });
  });

  it('property: a sender the record does not name and nobody delegated to is always refused', () => {
    const types = Object.keys(DECLARANTS) as CebMessageType[];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.subarray([...FILING_ROLES], { minLength: 1 }), (type, roles) => {
        const rule = DECLARANTS[type]!;
        const head: Record<string, string> = {};
        for (const p of rule.principals) head[p.field] = A;
        if (rule.declaringUnit) head[rule.declaringUnit] = A;
        const ps = new Map<string, Party>([
          [A, party(A, [...FILING_ROLES])],
          [C, party(C, roles)],
        ]);
        return !standingOf(type, rule, head, { uscc: C, parties: ps, delegators: new Set() }).ok;
      }),
      { seed: 20261203, numRuns: 500 },
    );
  });
});

describe('changes come only from the original declarer or its delegate', () => {
  it('the declarer of a new record is the sender, or the principal it acts for', () => {
    expect(declarerOf({ ok: true, actingFor: [A], asDelegate: false })).toBe(A);
    expect(declarerOf({ ok: true, actingFor: [B, A], asDelegate: true })).toBe(B);
  });
  it('-10105 when the stored declarer is not among those the sender acts for', () => {
    expect(changeAllowed({ ok: true, actingFor: [A], asDelegate: false }, A)).toEqual({ ok: true });
    expect(changeAllowed({ ok: true, actingFor: [B], asDelegate: false }, A)).toMatchObject({
      ok: false,
      error: { code: '-10105', field: 'appType' },
    });
  });
});

describe('declaringUnitIsPrincipal', () => {
  const list = DECLARANTS.CEB621Message!;
  const parties = new Map<string, Party>([
    [A, party(A, ['ebc'])],
    ['7301000001', party(A, ['ebc'])],
    [C, party(C, ['agent'])],
  ]);
  it('an e-commerce enterprise declaring its own list (by USCC or customs code) needs no agent role', () => {
    expect(declaringUnitIsPrincipal(list, { ebcCode: A, agentCode: A }, parties)).toBe(true);
    expect(declaringUnitIsPrincipal(list, { ebcCode: '7301000001', agentCode: A }, parties)).toBe(true);
    expect(declaringUnitIsPrincipal(list, { ebcCode: A, agentCode: C }, parties)).toBe(false);
    expect(declaringUnitIsPrincipal(DECLARANTS.CEB311Message, { ebcCode: A }, parties)).toBe(false);
  });
});
