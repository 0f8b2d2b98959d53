import { describe, expect, it } from 'vitest';
import { DECLARANTS, delegableKinds } from '../../src/modules/declaration/declarants.js';
import { FILING_ROLES } from '../../src/modules/filing/model.js';
import {
  CERTIFICATE_TRUST,
  CERTIFICATE_TRUST_NAMES,
  trustAtRegistration,
} from '../../src/modules/filing/trust-model.js';
import { DELEGATION_STATUSES, CERTIFICATE_TRUST as WEB_CERTIFICATE_TRUST } from '../../web/src/api.js';
import { typeLabel } from '../../web/src/ceb.js';
import en from '../../web/src/locales/en.js';
import zh from '../../web/src/locales/zh.js';
import { groupedFingerprint, pendingReasonKey } from '../../web/src/trust.js';

/** The trust pages say what the API decides, in its words: these tie the web's tables to the backend's rules. */
describe('web trust pages against the backend rules', () => {
  it('names every trust status of a certificate as the platform does (受信任 CA 签发 / 海关已核准 / 待海关核准 / 海关不予核准)', () => {
    expect([...WEB_CERTIFICATE_TRUST]).toEqual([...CERTIFICATE_TRUST]);
    for (const trust of CERTIFICATE_TRUST) {
      expect(zh.certs.trustNames[trust]).toBe(CERTIFICATE_TRUST_NAMES[trust].zh);
      expect(en.certs.trustNames[trust].toLowerCase()).toBe(CERTIFICATE_TRUST_NAMES[trust].en.toLowerCase());
    }
  });

  it('names why a certificate waits in the words of the registration reasons (the API’s pendingReason)', () => {
    const selfSigned = trustAtRegistration({ selfSigned: true, issuer: null });
    const unknown = trustAtRegistration({ selfSigned: false, issuer: null });
    expect(pendingReasonKey('self-signed')).toBe('pendingSelfSigned');
    expect(pendingReasonKey('unknown-issuer')).toBe('pendingUnknownIssuer');
    expect(pendingReasonKey(null)).toBeNull();
    expect(selfSigned.note.zh).toContain('自签名');
    expect(zh.certs.pendingSelfSigned).toContain('自签名');
    expect(unknown.note.zh).toContain('签发机构不在');
  });

  it('offers for delegation only the kinds the standard lets a principal of those roles delegate, each by its Chinese name', () => {
    // the platform of the demo (ebp + ebc): its orders to express/postal operators, its lists etc. to agents
    const platform = delegableKinds(['ebp', 'ebc']);
    expect(platform.find((k) => k.type === 'CEB311Message')?.delegateRoles).toEqual(['logistics']);
    expect(platform.find((k) => k.type === 'CEB621Message')?.delegateRoles).toEqual(['agent']);
    expect(platform.map((k) => k.type)).not.toContain('CEB411Message');
    expect(platform.map((k) => k.type)).not.toContain('CEB511Message');
    expect(delegableKinds(['payment']).map((k) => k.type)).toEqual(['CEB411Message']);
    expect(delegableKinds(['warehouse', 'assure'])).toEqual([]);
    expect(typeLabel('CEB311Message', 'zh')).toBe('CEB311 电子订单');
    for (const role of FILING_ROLES) {
      for (const k of delegableKinds([role])) {
        expect(typeLabel(k.type, 'zh')).toMatch(/^CEB\d{3} [\u4e00-\u9fff]+$/);
        expect(DECLARANTS[k.type]?.delegableTo.length).toBeGreaterThan(0);
        // the page explains the delegate's role for the roles delegation names
        for (const r of k.delegateRoles) expect(Object.keys(zh.delegations.roleAs)).toContain(r);
      }
    }
  });

  it('names every status of a delegation (生效中 / 未开始 / 已到期 / 已终止) in both languages', () => {
    expect(Object.keys(zh.delegations.statuses)).toEqual([...DELEGATION_STATUSES]);
    expect(zh.delegations.statuses).toEqual({
      active: '生效中',
      scheduled: '未开始',
      expired: '已到期',
      revoked: '已终止',
    });
    expect(Object.keys(en.delegations.statuses)).toEqual([...DELEGATION_STATUSES]);
  });

  it('groups an SM3 fingerprint in fours to be read out', () => {
    const fp = '0cf0b20ac98c579c804f35325e03ba8c0cf0b20ac98c579c804f35325e03ba8c';
    const g = groupedFingerprint(fp);
    expect(g.split(' ')).toHaveLength(16);
    expect(g.startsWith('0CF0 B20A C98C')).toBe(true);
    expect(g.replace(/ /g, '').toLowerCase()).toBe(fp);
  });
});
