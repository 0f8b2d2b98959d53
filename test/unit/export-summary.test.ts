import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/kernel/money.js';
import {
  netReturns,
  resultRows,
  returnsIndex,
  SummaryAggregator,
  type SummaryList,
  type SummaryListItem,
  type SummaryOptions,
  summarise,
} from '../../src/modules/clearance/rules/export/summary.js';

/** ceb-messages.md §3.7, §7.2: 汇总申报 merge key, summaryFlag, itemNameFlag, CEB792 gseqno mapping. */

const EBC = '1105910159';
let serial = 0;
function list(over: Partial<SummaryList['head']> = {}, items?: Partial<SummaryListItem>[]): SummaryList {
  serial++;
  const invtNo = over.invtNo ?? `15002026E${String(serial).padStart(9, '0')}`;
  return {
    head: {
      invtNo,
      logisticsNo: `L2026${String(serial).padStart(8, '0')}`,
      ebcCode: EBC,
      trafMode: '5',
      ownerCode: '6201960001',
      country: '304',
      portCode: '7301',
      releasedAt: '2026-11-10',
      status: '899',
      grossWeight: '1.5',
      netWeight: '1.2',
      ...over,
    },
    items: (items ?? [{}]).map((i, n) => ({
      gnum: n + 1,
      country: '304',
      gcode: '6109100000',
      gname: '棉制T恤衫',
      itemName: 'T恤',
      currency: '502',
      qty: '2',
      unit: '011',
      qty1: '2',
      unit1: '011',
      totalPrice: '20.50',
      ...i,
    })),
  };
}
const OPTS: SummaryOptions = { summaryFlag: '2', itemNameFlag: '' };

describe('the head merge key: lists differing in one key field at a time', () => {
  it('two lists equal in every key field make one declaration with one line, summed exactly', () => {
    const { result } = summarise([list(), list()], OPTS);
    expect(result.declarations).toHaveLength(1);
    const d = result.declarations[0]!;
    expect([d.listCount, d.grossWeight.toString(), d.netWeight.toString()]).toEqual([2, '3', '2.4']);
    expect(d.lines).toHaveLength(1);
    expect(d.lines[0]!.totalPrice.toString()).toBe('41');
    expect(d.lines[0]!.qty1.toString()).toBe('4');
  });

  it.each([
    ['ebcCode', '91620100MA7Q0L0N9Q'],
    ['trafMode', '4'],
    ['ownerCode', '6201960002'],
    ['country', '502'],
    ['portCode', '7302'],
  ] as const)('a list differing only in %s goes to another declaration (summaryFlag 2)', (field, value) => {
    const { result } = summarise([list(), list({ [field]: value })], OPTS);
    expect(result.declarations).toHaveLength(2);
    expect(result.declarations.map((d) => d.key[field])).toContain(value);
  });

  it('a list differing in a field outside the key (releasedAt, weights, logisticsNo) joins the same declaration', () => {
    const { result } = summarise(
      [list(), list({ releasedAt: '2026-11-30', grossWeight: '9', logisticsNo: 'X' })],
      OPTS,
    );
    expect(result.declarations).toHaveLength(1);
  });
});

describe('summaryFlag (1 按收发货人单一汇总, 2 按收发货人和生产销售单位汇总)', () => {
  it('summaryFlag 2: two producers/sellers (ownerCode) of one consignor give two declarations', () => {
    const { result } = summarise([list({ ownerCode: 'A000000001' }), list({ ownerCode: 'B000000002' })], OPTS);
    expect(result.declarations.map((d) => [d.key.ownerCode, d.ownerCodes])).toEqual([
      ['A000000001', ['A000000001']],
      ['B000000002', ['B000000002']],
    ]);
  });

  it('summaryFlag 1: the same two lists merge into one declaration recording both ownerCodes', () => {
    const { result } = summarise([list({ ownerCode: 'B000000002' }), list({ ownerCode: 'A000000001' })], {
      ...OPTS,
      summaryFlag: '1',
    });
    expect(result.declarations).toHaveLength(1);
    expect(result.declarations[0]!.key.ownerCode).toBeNull();
    expect(result.declarations[0]!.ownerCodes).toEqual(['A000000001', 'B000000002']);
  });

  it('summaryFlag 1 still separates transport mode, destination and exit port', () => {
    const { result } = summarise([list(), list({ portCode: '7302', ownerCode: 'Z' })], { ...OPTS, summaryFlag: '1' });
    expect(result.declarations).toHaveLength(2);
  });

  it('an invalid flag is a programming error', () => {
    expect(() => new SummaryAggregator({ summaryFlag: '3' as never, itemNameFlag: '' })).toThrow(RangeError);
    expect(() => new SummaryAggregator({ summaryFlag: '1', itemNameFlag: '2' as never })).toThrow(RangeError);
  });
});

describe('the item key (item country, 10-digit gcode, currency) and itemNameFlag', () => {
  it.each([
    ['country', '502'],
    ['gcode', '6109909000'],
    ['currency', '300'],
  ] as const)('items differing only in %s are separate lines', (field, value) => {
    const { result } = summarise([list({}, [{}, { [field]: value }])], OPTS);
    expect(result.declarations[0]!.lines).toHaveLength(2);
  });

  it('itemNameFlag empty: items of one key with different names share a line named by the 商品综合分类名', () => {
    const { result } = summarise([list({}, [{ itemName: 'T恤（白）' }, { itemName: 'T恤（黑）' }])], {
      ...OPTS,
      categoryName: (g) => (g === '6109100000' ? '棉制针织或钩编的T恤衫' : null),
    });
    const lines = result.declarations[0]!.lines;
    expect(lines.map((l) => [l.name, l.totalPrice.toString()])).toEqual([['棉制针织或钩编的T恤衫', '41']]);
  });

  it('itemNameFlag empty without a category name: the line is named by the first gname', () => {
    const { result } = summarise([list({}, [{}])], OPTS);
    expect(result.declarations[0]!.lines[0]!.name).toBe('棉制T恤衫');
  });

  it('itemNameFlag 1: different original item names are separate lines, named by itemName (gname when none)', () => {
    const { result } = summarise(
      [list({}, [{ itemName: 'T恤（白）' }, { itemName: 'T恤（黑）' }, { itemName: null }])],
      {
        ...OPTS,
        itemNameFlag: '1',
      },
    );
    expect(result.declarations[0]!.lines.map((l) => l.name).sort()).toEqual(['T恤（白）', 'T恤（黑）', '棉制T恤衫']);
  });

  it('declared quantities are kept per declared unit; weights are summed when items carry them', () => {
    const { result } = summarise(
      [
        list({}, [
          { unit: '011', qty: '2', grossWeight: '0.3' },
          { unit: '007', qty: '5', qty1: '5', grossWeight: '0.25' },
        ]),
      ],
      OPTS,
    );
    const l = result.declarations[0]!.lines[0]!;
    expect(l.quantities.map((q) => [q.unit, q.qty.toString()])).toEqual([
      ['011', '2'],
      ['007', '5'],
    ]);
    expect([l.qty1.toString(), l.grossWeight?.toString(), l.netWeight]).toEqual(['7', '0.55', null]);
  });
});

describe('CEB792 mapping (invtNo, gnum) → gseqno', () => {
  it('every list item maps to its line number; numbers follow key order, not arrival order', () => {
    const a = list({ invtNo: 'INV-A' }, [{ gcode: '9503000000' }, { gcode: '6109100000' }]);
    const b = list({ invtNo: 'INV-B' }, [{ gcode: '6109100000' }]);
    const one = summarise([a, b], OPTS).result.declarations[0]!;
    const two = summarise([b, a], OPTS).result.declarations[0]!;
    const rows = (d: typeof one) =>
      [...resultRows(d)].map((r) => `${r.invtNo}/${r.gnum}→${r.gseqno} ${r.gcode}`).sort();
    expect(rows(one)).toEqual(['INV-A/1→2 9503000000', 'INV-A/2→1 6109100000', 'INV-B/1→1 6109100000']);
    expect(rows(two)).toEqual(rows(one));
    expect([...resultRows(one)][0]!.logisticsNo).toMatch(/^L2026/);
  });
});

describe('admission', () => {
  it('only closed (899) lists are summarised; released (800) ones with acceptReleased', () => {
    const agg = new SummaryAggregator(OPTS);
    expect(agg.add(list({ status: '800' }))[0]?.code).toBe('EXPORT_SUMMARY_LIST_NOT_CLOSED');
    expect(new SummaryAggregator({ ...OPTS, acceptReleased: true }).add(list({ status: '800' }))).toEqual([]);
  });

  it('the period is inclusive at both ends (2026-11-01 … 2026-11-30)', () => {
    const agg = new SummaryAggregator({ ...OPTS, period: { from: '2026-11-01', to: '2026-11-30' } });
    expect(agg.add(list({ releasedAt: '2026-11-01' }))).toEqual([]);
    expect(agg.add(list({ releasedAt: '2026-11-30' }))).toEqual([]);
    expect(agg.add(list({ releasedAt: '2026-12-01' }))[0]?.code).toBe('EXPORT_SUMMARY_LIST_OUTSIDE_PERIOD');
    expect(agg.add(list({ releasedAt: '2026-10-31' }))[0]?.message.zh).toContain(
      '不在汇总期间 2026-11-01 至 2026-11-30 内',
    );
  });

  it('another consignor, a repeated invtNo, a non-10-digit gcode and a bad figure are refused and change nothing', () => {
    const agg = new SummaryAggregator({ ...OPTS, ebcCode: EBC });
    expect(agg.add(list({ ebcCode: 'OTHER' }))[0]?.rule).toBe('list-other-consignor');
    expect(agg.add(list({ invtNo: 'DUP' }))).toEqual([]);
    expect(agg.add(list({ invtNo: 'DUP' }))[0]?.rule).toBe('list-repeated');
    expect(agg.add(list({}, [{}, { gcode: '6109' }]))[0]).toMatchObject({ rule: 'gcode', item: 2 });
    expect(agg.add(list({}, [{ totalPrice: 'abc' }]))[0]?.rule).toBe('figure');
    const r = agg.result();
    expect([r.listCount, r.itemCount, r.declarations[0]!.lines[0]!.totalPrice.toString()]).toEqual([1, 1, '20.5']);
  });
});

describe('export returns leave the figures (netting before aggregation)', () => {
  it('an item returned whole leaves; a list returned whole leaves with its weights', () => {
    const l = list({ invtNo: 'R1' }, [{ gnum: 1 }, { gnum: 2, gcode: '9503000000' }]);
    const idx = returnsIndex([{ invtNo: 'R1', gnum: 2, qty: '2' }]);
    expect(netReturns(l, idx)?.items.map((i) => i.gnum)).toEqual([1]);
    const all = returnsIndex([
      { invtNo: 'R1', gnum: 1, qty: '1' },
      { invtNo: 'R1', gnum: 1, qty: '1' },
      { invtNo: 'R1', gnum: 2, qty: '2' },
    ]);
    expect(netReturns(l, all)).toBeNull();
  });

  it('a partly returned item keeps the rest: 1 of 3 returned leaves qty 2, value 20.50 × 2/3 = 13.66667 (5 places)', () => {
    const l = list({ invtNo: 'R2' }, [{ qty: '3', qty1: '0.9', totalPrice: '20.50' }]);
    const net = netReturns(l, returnsIndex([{ invtNo: 'R2', gnum: '01', qty: '1' }]))!;
    const i = net.items[0]!;
    expect([String(i.qty), String(i.qty1), String(i.totalPrice)]).toEqual(['2', '0.6', '13.66667']);
    const { result } = summarise([net, list()], OPTS);
    expect(result.declarations[0]!.lines[0]!.totalPrice.toString()).toBe('34.16667');
  });

  it('lists without returns pass unchanged; a return over the exported quantity throws', () => {
    const l = list({ invtNo: 'R3' });
    expect(netReturns(l, returnsIndex([]))).toBe(l);
    expect(() => netReturns(l, returnsIndex([{ invtNo: 'R3', gnum: 1, qty: '3' }]))).toThrow(RangeError);
  });
});

describe('scale and exactness', () => {
  it('200,000 synthetic lists of one exporter: totals exact, every (invtNo, gnum) mapped once', () => {
    const agg = new SummaryAggregator({ summaryFlag: '2', itemNameFlag: '', ebcCode: EBC });
    const countries = ['304', '502', '116', '133'];
    const codes = ['6109100000', '9503000000', '4202210000'];
    let expectedCents = 0n;
    for (let n = 0; n < 200_000; n++) {
      const cents = BigInt((n % 9973) + 1);
      expectedCents += cents * 2n;
      const head = {
        invtNo: `I${n}`,
        logisticsNo: `L${n}`,
        ebcCode: EBC,
        trafMode: n % 2 === 0 ? '5' : '4',
        ownerCode: '6201960001',
        country: countries[n % 4]!,
        portCode: '7301',
        releasedAt: '2026-11-15',
        status: '899',
        grossWeight: '0.5',
        netWeight: '0.4',
      };
      const price = Decimal.of(cents, 2);
      const reasons = agg.add({
        head,
        items: [
          {
            gnum: 1,
            country: head.country,
            gcode: codes[n % 3]!,
            gname: 'x',
            currency: '502',
            qty: '1',
            unit: '011',
            qty1: '1',
            totalPrice: price,
          },
          {
            gnum: 2,
            country: head.country,
            gcode: codes[(n + 1) % 3]!,
            gname: 'y',
            currency: '502',
            qty: '1',
            unit: '011',
            qty1: '1',
            totalPrice: price,
          },
        ],
      });
      if (reasons.length > 0) throw new Error(reasons[0]!.message.en);
    }
    const r = agg.result();
    expect(r.listCount).toBe(200_000);
    expect(r.declarations).toHaveLength(4); // trafMode n % 2 and country n % 4 give 4 head keys
    const lines = r.declarations.flatMap((d) => d.lines);
    expect(Decimal.sum(lines.map((l) => l.totalPrice)).eq(Decimal.of(expectedCents, 2))).toBe(true);
    expect(Decimal.sum(lines.map((l) => l.qty1)).toString()).toBe('400000');
    expect(Decimal.sum(r.declarations.map((d) => d.grossWeight)).toString()).toBe('100000');
    expect(lines.reduce((n, l) => n + l.sources.length, 0)).toBe(400_000);
    expect(r.declarations.reduce((n, d) => n + d.listCount, 0)).toBe(200_000);
  }, 60_000);

  it('property: the summed value and quantity equal the inputs, and the result does not depend on the order of lists', () => {
    const itemArb = fc.record({
      country: fc.constantFrom('304', '502'),
      gcode: fc.constantFrom('6109100000', '9503000000'),
      currency: fc.constantFrom('502', '300'),
      cents: fc.bigInt({ min: 0n, max: 10n ** 9n }),
      qty: fc.integer({ min: 1, max: 1000 }),
    });
    const listArb = fc.record({
      trafMode: fc.constantFrom('4', '5'),
      ownerCode: fc.constantFrom('A', 'B'),
      items: fc.array(itemArb, { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(listArb, { maxLength: 30 }), fc.constantFrom('1', '2'), (specs, flag) => {
        const lists = specs.map((s, n) =>
          list(
            { invtNo: `P${n}`, trafMode: s.trafMode, ownerCode: s.ownerCode },
            s.items.map((i) => ({ ...i, totalPrice: Decimal.of(i.cents, 5), qty: String(i.qty), qty1: String(i.qty) })),
          ),
        );
        const opts: SummaryOptions = { summaryFlag: flag as '1' | '2', itemNameFlag: '' };
        const a = summarise(lists, opts).result;
        const b = summarise([...lists].reverse(), opts).result;
        const lines = a.declarations.flatMap((d) => d.lines);
        const want = Decimal.sum(specs.flatMap((s) => s.items.map((i) => Decimal.of(i.cents, 5))));
        const wantQty = specs.flatMap((s) => s.items).reduce((n, i) => n + i.qty, 0);
        const rows = (r: typeof a) =>
          r.declarations
            .flatMap((d) => [...resultRows(d)].map((x) => `${d.seq}:${x.invtNo}/${x.gnum}→${x.gseqno}`))
            .sort();
        return (
          Decimal.sum(lines.map((l) => l.totalPrice)).eq(want) &&
          Decimal.sum(lines.map((l) => l.qty1)).eq(Decimal.fromInteger(wantQty)) &&
          JSON.stringify(rows(a)) === JSON.stringify(rows(b))
        );
      }),
      { numRuns: 100 },
    );
  });
});
