import { describe, expect, it } from 'vitest';
import {
  applyStatus,
  cancellable,
  EXPORT_LIST_STATUSES,
  EXPORT_LIST_TRANSITIONS,
  type ExportListStatus,
  isClosed,
  isReleased,
  nextStatuses,
  onArrival,
  onDeparture,
} from '../../src/modules/clearance/rules/export/status.js';

/** CEB604 returnStatus (XSD-EXP InventoryReturn; ceb-messages.md §4.1). */

describe('export list statuses', () => {
  it('the codes and meanings are those of the XSD annotation (plus 500 查验 of §4.1)', () => {
    expect(Object.entries(EXPORT_LIST_STATUSES).map(([k, v]) => `${k}${v.zh}`)).toEqual([
      '1电子口岸已暂存',
      '2电子口岸申报中',
      '3发送海关成功',
      '4发送海关失败',
      '100海关退单',
      '120海关入库',
      '300人工审核',
      '399海关审结',
      '500查验',
      '800放行',
      '899结关',
    ]);
  });

  it('the happy path: declared (2) → 120 入库 → 399 审结 → 800 on arrival (CEB507) → 899 on departure (CEB509)', () => {
    let s: ExportListStatus | null = null;
    for (const [to, trigger] of [
      ['2', 'CEB603'],
      ['120', 'CEB604'],
      ['399', 'CEB604'],
    ] as const) {
      const r = applyStatus(s, to, trigger);
      expect(r).toEqual({ ok: true, status: to, changed: true });
      s = to;
    }
    expect(onArrival(s)).toEqual({ ok: true, status: '800', changed: true });
    expect(onDeparture('800')).toEqual({ ok: true, status: '899', changed: true });
  });

  it('a draft (CEB603 appStatus 1) is 1 暂存, then 2 when declared; 2 → 3 → 120 through the e-port', () => {
    expect(applyStatus(null, '1', 'CEB603').ok).toBe(true);
    expect(applyStatus('1', '2', 'CEB603').ok).toBe(true);
    expect(applyStatus('2', '3', 'CEB604').ok).toBe(true);
    expect(applyStatus('3', '120', 'CEB604').ok).toBe(true);
  });

  it('after 入库 (120): 审结 399, 人工审核 300 or 查验 500; review and inspection end in 399', () => {
    expect(nextStatuses('120')).toEqual(['399', '300', '500', '100']);
    expect(applyStatus('300', '399', 'CEB604').ok).toBe(true);
    expect(applyStatus('500', '399', 'CEB604').ok).toBe(true);
  });

  it('release needs examination: 120 → 800 is refused, naming both states and what is allowed', () => {
    const r = applyStatus('120', '800', 'CEB507');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason.code).toBe('EXPORT_STATUS_TRANSITION');
    expect(r.reason.message.zh).toBe('清单状态不能从 120 海关入库 变为 800 放行（可变为：399、300、500、100）');
    expect(r.reason.message.en).toBe(
      'A list cannot go from 120 accepted into the customs database to 800 released (allowed: 399, 300, 500, 100)',
    );
  });

  it('arrival (CEB507) releases a 399 list; before 审结 it is refused', () => {
    expect(onArrival('399').ok).toBe(true);
    expect(onArrival('300').ok).toBe(false);
  });

  it('inspection may be ordered on arrival (399 → 500) and a passed inspection releases (500 → 800)', () => {
    expect(applyStatus('399', '500', 'CEB604').ok).toBe(true);
    expect(onArrival('500').ok).toBe(true);
  });

  it('departure (CEB509) closes only a released list: 899 from 800, not from 399', () => {
    expect(onDeparture('399').ok).toBe(false);
    expect(onDeparture('899').ok).toBe(false);
  });

  it('the trigger must be the right message: 800 → 899 on a CEB507 is refused', () => {
    const r = applyStatus('800', '899', 'CEB507');
    expect(!r.ok && r.reason.code).toBe('EXPORT_STATUS_TRIGGER');
    expect(!r.ok && r.reason.message.en).toBe(
      'A list goes from 800 released to 899 closed (departed) on CEB509 or CEB604, not on CEB507',
    );
  });

  it('a CEB604 800/899 receipt is the receipt of the same event and is accepted', () => {
    expect(applyStatus('399', '800', 'CEB604').ok).toBe(true);
    expect(applyStatus('800', '899', 'CEB604').ok).toBe(true);
  });

  it('100 退单 is allowed before release and needs its reason; a rejected list may be declared again (→ 2)', () => {
    for (const s of ['2', '120', '300', '399', '500'] as const) {
      expect(applyStatus(s, '100', 'CEB604', '商品编码与申报品名不符').ok).toBe(true);
    }
    const r = applyStatus('120', '100', 'CEB604', '  ');
    expect(!r.ok && r.reason).toMatchObject({
      code: 'EXPORT_STATUS_REJECTION_REASON',
      field: 'InventoryReturn.returnInfo',
    });
    expect(applyStatus('800', '100', 'CEB604', 'x').ok).toBe(false);
    expect(applyStatus('100', '2', 'CEB603').ok).toBe(true);
  });

  it('a negative returnStatus (error receipt, §5.2) and a repeated receipt change nothing', () => {
    expect(applyStatus('120', '-621027', 'CEB604')).toEqual({ ok: true, status: '120', changed: false });
    expect(applyStatus('399', '399', 'CEB604')).toEqual({ ok: true, status: '399', changed: false });
  });

  it('an unknown status code is refused (501 is an import-only 扣留 code)', () => {
    expect(applyStatus('120', '501', 'CEB604')).toMatchObject({ ok: false, reason: { code: 'EXPORT_STATUS_UNKNOWN' } });
  });

  it('899 结关 and 100 退单 have no way forward but re-declaration of a rejected list', () => {
    expect(nextStatuses('899')).toEqual([]);
    expect(nextStatuses('100')).toEqual(['2']);
  });

  it('every transition targets a known status and names at least one trigger', () => {
    for (const t of EXPORT_LIST_TRANSITIONS) {
      expect(Object.keys(EXPORT_LIST_STATUSES)).toContain(t.to);
      expect(t.triggers.length).toBeGreaterThan(0);
    }
  });

  it('released is 800 or 899; closed is 899; cancellation is accepted from 120 to 800 only', () => {
    expect(['399', '800', '899'].map(isReleased)).toEqual([false, true, true]);
    expect(['800', '899'].map(isClosed)).toEqual([false, true]);
    expect(['2', '120', '300', '399', '500', '800', '899', '100'].map(cancellable)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
