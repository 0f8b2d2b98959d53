import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CebMessage, CebRecord } from '../../src/modules/declaration/ceb/codec.js';
import { importCurrencyErrors, RMB, rmbFields } from '../../src/modules/declaration/currency.js';
import { headOf, itemsOf, MESSAGE_SPECS, type MessageSpec } from '../../src/modules/declaration/model.js';
import { inventoryMessage, orderMessage, orderRecord, paymentMessage, waybillMessage } from '../support/ceb.js';

const spec = (type: string) => MESSAGE_SPECS.get(type as never) as MessageSpec;
const errorsOf = (m: CebMessage) => {
  const s = spec(m.type);
  return importCurrencyErrors(
    s,
    m.records.map((r) => headOf(s, r)),
    m.records.map((r) => itemsOf(s, r)),
  );
};
/** A copy of `m` with the currency of record 0's head and of item `item` (when given) set. */
function withCurrency(m: CebMessage, head: string | null, item?: { index: number; value: string }): CebMessage {
  const copy = structuredClone(m);
  const s = spec(m.type);
  const record = copy.records[0] as CebRecord;
  if (head !== null) headOf(s, record).currency = head;
  if (item) (itemsOf(s, record)[item.index] as CebRecord).currency = item.value;
  return copy;
}

describe('import currency is 142 (RMB) in every import entity (ceb-messages.md §2.3, Appendix A: 限定为人民币，填写“142”)', () => {
  it('the rule reads the fields from the XSD annotations: CEB311 head and items, CEB411, CEB511, CEB621 head and items', () => {
    const concerned = [...MESSAGE_SPECS.values()]
      .map((s) => [s.type, rmbFields(s)] as const)
      .filter(([, f]) => f.head.length + f.items.length > 0);
    expect(Object.fromEntries(concerned)).toEqual({
      CEB311Message: { head: ['currency'], items: ['currency'] },
      CEB411Message: { head: ['currency'], items: [] },
      CEB511Message: { head: ['currency'], items: [] },
      CEB621Message: { head: ['currency'], items: ['currency'] },
    });
  });

  it.each([
    ['CEB311 order', orderMessage([orderRecord({ orderNo: 'CUR-1' })])],
    ['CEB411 payment', paymentMessage('CUR-1', 'PAY-CUR-1')],
    ['CEB511 waybill', waybillMessage('CUR-1', 'LN-CUR-1')],
    ['CEB621 list', inventoryMessage('CUR-1', 'LN-CUR-1', 'COP-CUR-1')],
  ])('%s in 142 passes', (_name, m) => {
    expect(errorsOf(m)).toEqual([]);
  });

  it.each([
    [
      'CEB311 order',
      orderMessage([orderRecord({ orderNo: 'CUR-2' })]),
      'CEB311Message/Order[1]/OrderHead/currency',
      '-301008',
    ],
    ['CEB411 payment', paymentMessage('CUR-2', 'PAY-CUR-2'), 'CEB411Message/Payment[1]/PaymentHead/currency', '0002'],
    [
      'CEB511 waybill',
      waybillMessage('CUR-2', 'LN-CUR-2'),
      'CEB511Message/Logistics[1]/LogisticsHead/currency',
      '0002',
    ],
    [
      'CEB621 list',
      inventoryMessage('CUR-2', 'LN-CUR-2', 'COP-CUR-2'),
      'CEB621Message/Inventory[1]/InventoryHead/currency',
      '0002',
    ],
  ])('%s in USD (502) → refused with the head field’s path and a bilingual reason', (_name, m, path, code) => {
    expect(errorsOf(withCurrency(m, '502'))).toEqual([
      {
        code,
        path,
        message: {
          zh: '进口报文币制限定为人民币，应填写“142”，收到的是“502”',
          en: 'Import messages are in RMB: the currency must be "142", got "502"',
        },
      },
    ]);
  });

  it('an item in another currency is refused with the item’s path (CEB311 OrderList, CEB621 InventoryList)', () => {
    const order = withCurrency(orderMessage([orderRecord({ orderNo: 'CUR-3' })]), null, { index: 1, value: '110' });
    expect(errorsOf(order).map((e) => [e.code, e.path])).toEqual([
      ['-301008', 'CEB311Message/Order[1]/OrderList[2]/currency'],
    ]);
    const list = withCurrency(inventoryMessage('CUR-3', 'LN-3', 'COP-3'), '344', { index: 0, value: '840' });
    expect(errorsOf(list).map((e) => e.path)).toEqual([
      'CEB621Message/Inventory[1]/InventoryHead/currency',
      'CEB621Message/Inventory[1]/InventoryList[1]/currency',
    ]);
  });

  it('every record of a message is checked, each with its own index', () => {
    const m = orderMessage([orderRecord({ orderNo: 'CUR-4' }), orderRecord({ orderNo: 'CUR-5' })]);
    ((m.records[1] as CebRecord).OrderHead as CebRecord).currency = '142 ';
    expect(errorsOf(m).map((e) => e.path)).toEqual(['CEB311Message/Order[2]/OrderHead/currency']);
  });

  it('kinds without a currency (CEB623, CEB625, CEB711) and a missing currency give nothing (the schema check reports it)', () => {
    for (const type of ['CEB623Message', 'CEB625Message', 'CEB711Message']) {
      expect(importCurrencyErrors(spec(type), [{ currency: '502' }], [[{ currency: '502' }]])).toEqual([]);
    }
    expect(importCurrencyErrors(spec('CEB311Message'), [{}], [[{}]])).toEqual([]);
  });

  it('property: an error for exactly the currencies that are not "142", at their paths (seeded)', () => {
    const code = fc.oneof(fc.constant(RMB), fc.constantFrom('502', '344', '000', '', '142\u3000'), fc.string());
    fc.assert(
      fc.property(
        fc.array(fc.record({ head: code, items: fc.array(code, { maxLength: 4 }) }), { minLength: 1, maxLength: 5 }),
        (records) => {
          const s = spec('CEB621Message');
          const errors = importCurrencyErrors(
            s,
            records.map((r) => ({ currency: r.head })),
            records.map((r) => r.items.map((c) => ({ currency: c }))),
          );
          const expected = records.flatMap((r, i) => [
            ...(r.head === RMB ? [] : [`CEB621Message/Inventory[${i + 1}]/InventoryHead/currency`]),
            ...r.items.flatMap((c, j) =>
              c === RMB ? [] : [`CEB621Message/Inventory[${i + 1}]/InventoryList[${j + 1}]/currency`],
            ),
          ]);
          expect(errors.map((e) => e.path)).toEqual(expected);
        },
      ),
      { seed: 20260803, numRuns: 500 },
    );
  });
});
