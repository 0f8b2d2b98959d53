import { describe, expect, it } from 'vitest';
import {
  type AcceptedReturn,
  addMonths,
  checkReturnApplication,
  effectiveReturns,
  type ReleasedList,
  type ReturnApplication,
  type ReturnCheck,
  type ReturnListItem,
  receiptMeaning,
  tallyReturns,
  wholeReturn,
} from '../../src/modules/clearance/rules/export/returns.js';
import { netReturns, returnsIndex, type SummaryList } from '../../src/modules/clearance/rules/export/summary.js';

/** CEB213/214/215/216 export returns (Appendix A.2 InvtRefund*, RefundReturn, InvtRefundDetail*; §7.3). */

const LIST: ReleasedList = {
  head: { invtNo: '15002026E000000123', ebcCode: '1105910159', status: '899', releasedAt: '2026-03-10' },
  items: [
    {
      gnum: 1,
      gcode: '8541401000',
      gname: '小米盒子',
      gmodel: '44mm',
      unit: '007',
      unit1: '007',
      unit2: '007',
      qty: '100',
      qty1: '200',
      qty2: '300',
    },
    {
      gnum: 2,
      gcode: '6109100000',
      gname: 'T恤',
      gmodel: 'L',
      unit: '011',
      unit1: '011',
      unit2: null,
      qty: '5',
      qty1: '5',
      qty2: null,
    },
  ],
};
function app(
  items: readonly ReturnListItem[] = [{ ...LIST.items[1]!, qty: '2', qty1: '2' }],
  head: Partial<ReturnApplication['head']> = {},
): ReturnApplication {
  return {
    head: {
      invtNo: LIST.head.invtNo,
      ebcCode: '1105910159',
      appliedAt: '2026-06-01',
      ieFlag: 'I',
      country: '304',
      reason: '尺码不合适',
      ...head,
    },
    items,
  };
}
const codes = (r: ReturnCheck) => (r.ok ? [] : r.reasons.map((x) => x.code));

describe('CEB213 return application against a released list', () => {
  it('a partial return of item 2 (2 of 5) is accepted, yielding the returned quantity', () => {
    const r = checkReturnApplication(app(), LIST);
    expect(r).toEqual({
      ok: true,
      whole: false,
      returned: [{ invtNo: '15002026E000000123', gnum: 2, qty: expect.anything() }],
      lastDay: '2027-03-10',
    });
    expect(r.ok && String(r.returned[0]!.qty)).toBe('2');
  });

  it('a whole return (wholeReturn) takes everything still returnable and says so', () => {
    const r = checkReturnApplication(app(wholeReturn(LIST)), LIST);
    expect(r.ok && r.whole).toBe(true);
    const after = wholeReturn(LIST, [{ gnum: 2, qty: '2', qty1: '2' }]);
    expect(after.map((i) => [i.gnum, String(i.qty)])).toEqual([
      [1, '100'],
      [2, '3'],
    ]);
    expect(checkReturnApplication(app(after), LIST, [{ gnum: 2, qty: '2', qty1: '2' }]).ok && true).toBe(true);
  });

  it('only released lists (800 放行 / 899 结关): a 399 list is refused', () => {
    expect(checkReturnApplication(app(), { ...LIST, head: { ...LIST.head, status: '800' } }).ok).toBe(true);
    const r = checkReturnApplication(app(), { ...LIST, head: { ...LIST.head, status: '399' } });
    expect(codes(r)).toEqual(['EXPORT_RETURN_NOT_RELEASED']);
  });

  it('the window is one year from release, inclusive: released 2026-03-10, 2027-03-10 accepted, 2027-03-11 refused', () => {
    expect(checkReturnApplication(app(undefined, { appliedAt: '2027-03-10' }), LIST).ok).toBe(true);
    const r = checkReturnApplication(app(undefined, { appliedAt: '2027-03-11' }), LIST);
    expect(codes(r)).toEqual(['EXPORT_RETURN_WINDOW']);
    expect(!r.ok && r.reasons[0]!.message.zh).toBe(
      '退货应在清单放行（2026-03-10）后 12 个月内申请，最后一天为 2027-03-10；申请日期为 2027-03-11',
    );
  });

  it('the window is configurable (6 months → last day 2026-09-10) and a date before release is refused', () => {
    expect(
      codes(checkReturnApplication(app(undefined, { appliedAt: '2026-09-11' }), LIST, [], { windowMonths: 6 })),
    ).toEqual(['EXPORT_RETURN_WINDOW']);
    expect(codes(checkReturnApplication(app(undefined, { appliedAt: '2026-03-09' }), LIST))).toEqual([
      'EXPORT_RETURN_WINDOW',
    ]);
  });

  it('addMonths keeps the calendar date, clamped at month end (2028-02-29 + 12 = 2029-02-28)', () => {
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-03-10', 12)).toBe('2027-03-10');
  });

  it('the quantity may not exceed what was exported minus earlier returns: 4 of 5 after 2 returned is refused', () => {
    const r = checkReturnApplication(app([{ ...LIST.items[1]!, qty: '4', qty1: '4' }]), LIST, [
      { gnum: 2, qty: '2', qty1: '2' },
    ]);
    expect(codes(r)).toEqual(['EXPORT_RETURN_ITEM_OVER', 'EXPORT_RETURN_ITEM_OVER']);
    expect(!r.ok && r.reasons[0]!.message.en).toBe(
      'Return item 2: qty 4 is over the 3 still returnable (exported 5, returned before 2)',
    );
    expect(
      checkReturnApplication(app([{ ...LIST.items[1]!, qty: '3', qty1: '3' }]), LIST, [
        { gnum: 2, qty: '2', qty1: '2' },
      ]).ok,
    ).toBe(true);
  });

  it('a gnum not in the list, a repeated gnum and a zero quantity are refused', () => {
    const r = checkReturnApplication(
      app([
        { ...LIST.items[1]!, gnum: 3 },
        { ...LIST.items[1]!, qty: '0', qty1: '0' },
        { ...LIST.items[1]!, qty: '1', qty1: '1' },
      ]),
      LIST,
    );
    expect(!r.ok && r.reasons.map((x) => [x.code, x.item])).toEqual([
      ['EXPORT_RETURN_ITEM_NOT_IN_LIST', 3],
      ['EXPORT_RETURN_ITEM_QTY', 2],
      ['EXPORT_RETURN_ITEM_REPEATED', 2],
    ]);
  });

  it('gcode, gname, gmodel and the units must equal the original list (与原申报清单一致)', () => {
    const r = checkReturnApplication(
      app([{ ...LIST.items[0]!, qty: '1', qty1: '1', qty2: '1', gcode: '8541409000', gmodel: '45mm' }]),
      LIST,
    );
    expect(!r.ok && r.reasons.map((x) => x.field)).toEqual(['InvtRefundList.gcode', 'InvtRefundList.gmodel']);
  });

  it('qty2 is empty exactly when unit2 is, and above 0 otherwise', () => {
    expect(codes(checkReturnApplication(app([{ ...LIST.items[1]!, qty: '1', qty1: '1', qty2: '1' }]), LIST))).toContain(
      'EXPORT_RETURN_ITEM_QTY2',
    );
  });

  it('the head: ieFlag I (出口退货填I), country not China, a reason, the list consignor', () => {
    const r = checkReturnApplication(app(undefined, { ieFlag: 'E', country: '142', reason: '', ebcCode: 'X' }), LIST);
    expect(codes(r)).toEqual([
      'EXPORT_RETURN_EBC',
      'EXPORT_RETURN_IE_FLAG',
      'EXPORT_RETURN_COUNTRY',
      'EXPORT_RETURN_REASON',
    ]);
    expect(codes(checkReturnApplication(app(undefined, { invtNo: 'OTHER' }), LIST))).toEqual(['EXPORT_RETURN_LIST']);
  });
});

describe('CEB215 tally, CEB214/CEB216 receipts and the returns that leave the figures', () => {
  const R = (id: string, status: string, logisticsNo: string): AcceptedReturn => ({
    id,
    invtNo: LIST.head.invtNo,
    logisticsCode: '1105910159',
    logisticsNo,
    returned: [{ invtNo: LIST.head.invtNo, gnum: 2, qty: '1' }],
    status,
  });

  it('a return counts as arrived when a tally names its parcel; others are awaited; an unknown parcel is reported', () => {
    const t = tallyReturns(
      [R('B1', '800', 'RL001'), R('B2', '800', 'RL002')],
      [
        { logisticsCode: '1105910159', logisticsNo: 'RL001', ieFlag: 'I' },
        { logisticsCode: '1105910159', logisticsNo: 'RL999', ieFlag: 'I' },
        { logisticsCode: '1105910159', logisticsNo: 'RL002', ieFlag: 'E' },
      ],
    );
    expect([t.arrived, t.awaited]).toEqual([['B1'], ['B2']]);
    expect(t.reasons.map((r) => r.code)).toEqual(['EXPORT_RETURN_TALLY_UNMATCHED', 'EXPORT_RETURN_TALLY_IE_FLAG']);
  });

  it('a tally naming the original invtNo (another inbound waybill) matches the returns of that list', () => {
    const t = tallyReturns(
      [R('B1', '800', 'RL001')],
      [{ logisticsCode: 'IN', logisticsNo: 'IN-1', invtNo: LIST.head.invtNo, ieFlag: 'I' }],
    );
    expect(t.arrived).toEqual(['B1']);
  });

  it('only returns released (CEB214 800) and arrived leave the figures; netted, the summary loses them', () => {
    const returns = [R('B1', '800', 'RL001'), R('B2', '300', 'RL002'), R('B3', '800', 'RL003')];
    const t = tallyReturns(returns, [
      { logisticsCode: '1105910159', logisticsNo: 'RL001', ieFlag: 'I' },
      { logisticsCode: '1105910159', logisticsNo: 'RL002', ieFlag: 'I' },
    ]);
    const eff = effectiveReturns(returns, t);
    expect(eff).toHaveLength(1);
    const summaryList: SummaryList = {
      head: {
        invtNo: LIST.head.invtNo,
        ebcCode: '1105910159',
        trafMode: '5',
        ownerCode: 'O',
        country: '304',
        portCode: '7301',
        releasedAt: '2026-03-10',
        status: '899',
      },
      items: [
        {
          gnum: 2,
          country: '304',
          gcode: '6109100000',
          gname: 'T恤',
          currency: '502',
          qty: '5',
          unit: '011',
          qty1: '5',
          totalPrice: '50',
        },
      ],
    };
    const net = netReturns(summaryList, returnsIndex(eff))!;
    expect([String(net.items[0]!.qty), String(net.items[0]!.totalPrice)]).toEqual(['4', '40']);
  });

  it.each([
    ['refund', '800', '放行'],
    ['refund', '505', '移交'],
    ['refund', '600', '挂起'],
    ['detail', '399', '海关审结'],
    ['detail', '100', '海关退单'],
  ] as const)('%s receipt status %s means %s (XSD)', (kind, status, zh) => {
    expect(receiptMeaning(kind, status)).toMatchObject({ ok: true, error: false, zh });
  });

  it('a CEB216 800 is not a tally status; negative statuses are error receipts', () => {
    expect(receiptMeaning('detail', '800').ok).toBe(false);
    expect(receiptMeaning('refund', '-625209')).toMatchObject({ ok: true, error: true });
  });
});
