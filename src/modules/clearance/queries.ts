/** The read-only queries of the routes: lists and their detail, tax bills and the month's payment, bonded stock. */
import { Decimal } from '../../kernel/money.js';
import { billOf } from './actions/tax-bills.js';
import type { ClearanceContext } from './context.js';
import { type ListRow, listsStore } from './store/lists.js';
import { returnsStore } from './store/returns.js';
import { stockStore } from './store/stock.js';
import { taxBillsStore } from './store/tax-bills.js';
import { type ListView, listView, taxBillView } from './views.js';

/** Codes under which an enterprise appears in lists: its USCC and its customs code. */
export function codesOf(ctx: ClearanceContext, uscc: string): Promise<string[]> {
  return ctx.filing.codesOf(uscc);
}

export async function lists(
  ctx: ClearanceContext,
  uscc: string | null,
  f: { status?: string; q?: string; page: number; pageSize: number },
): Promise<{ items: ListView[]; total: number }> {
  const party = uscc ? { uscc, codes: await ctx.filing.codesOf(uscc) } : null;
  const { rows, total } = await listsStore.page(ctx.db, party, f);
  return { items: rows.map(listView), total };
}

export async function taxBills(
  ctx: ClearanceContext,
  uscc: string | null,
  f: { status?: string; month?: string; page: number; pageSize: number },
) {
  const codes = uscc ? await ctx.filing.codesOf(uscc) : null;
  const { rows, total } = await taxBillsStore.page(ctx.db, codes, f);
  return { items: rows.map(taxBillView), total };
}

/**
 * The guarantor's consolidated payment for a month (汇总征税): the bills whose payment window (days 31 to 45
 * after release) opens in that month, what each owes, what returns netted, what cancellations voided, and the
 * total payable.
 */
export async function taxDue(ctx: ClearanceContext, assureUscc: string, month: string) {
  const rows = await taxBillsStore.dueInMonth(ctx.db, await ctx.filing.codesOf(assureUscc), month);
  const bills = rows.map(taxBillView);
  const sum = (pick: (b: (typeof bills)[number]) => string) =>
    Decimal.sum(bills.map((b) => Decimal.parse(pick(b)))).toFixed(2);
  const voided = bills.filter((b) => b.status === '3');
  return {
    month,
    bills,
    totals: {
      assessed: sum((b) => b.total),
      netted: sum((b) => (b.status === '3' ? '0' : b.netted)),
      voided: Decimal.sum(voided.map((b) => Decimal.parse(b.total))).toFixed(2),
      payable: sum((b) => b.payable),
      consolidated: sum((b) => (b.status === '2' ? b.payable : '0')),
    },
    window: bills.length
      ? {
          from: bills[0]!.dueFrom,
          to: bills
            .map((b) => b.dueTo)
            .sort()
            .at(-1) as string,
        }
      : null,
  };
}

export async function listDetail(ctx: ClearanceContext, uscc: string | null, id: string): Promise<ListView | null> {
  const list = await listsStore.byId(ctx.db, id);
  if (!list || (uscc !== null && !(await visibleTo(ctx, uscc, list)))) return null;
  const events = await listsStore.eventsOf(ctx.db, id);
  const returns = await returnsStore.ofList(ctx.db, id);
  const bill = (await billOf(ctx.db, list)) ?? null;
  return {
    ...listView(list),
    events: events.map((e) => {
      // enterprises see that customs decided, not which officer (as credit records hide their recorder)
      const officer = e.actor !== 'engine' && !/^[0-9A-Z]{18}$/.test(e.actor as string);
      const { officer: _who, ...detail } = e.detail as Record<string, unknown>;
      return {
        id: Number(e.id),
        kind: e.kind as string,
        returnStatus: (e.return_status as string | null) ?? null,
        actor: uscc !== null && officer ? 'customs' : (e.actor as string),
        detail: uscc !== null ? detail : e.detail,
        at: new Date(e.at as string).toISOString(),
      };
    }),
    returns: returns.map((r) => ({
      id: r.id,
      status: r.status,
      items: r.items,
      amount: r.amount,
      tax: r.tax,
      appliedAt: r.appliedAt.toISOString(),
      arrivedAt: r.arrivedAt?.toISOString() ?? null,
      reason: r.reason,
    })),
    taxBill: bill ? taxBillView(bill) : null,
  };
}

async function visibleTo(ctx: ClearanceContext, uscc: string, list: ListRow): Promise<boolean> {
  if (list.agentUscc === uscc || list.declarerUscc === uscc) return true;
  const parties = await ctx.filing.resolveCodes([list.ebcCode, list.ebpCode, list.assureCode]);
  return [list.ebcCode, list.ebpCode, list.assureCode].some((c) => parties.get(c)?.uscc === uscc);
}

/** Whether an enterprise is the bonded warehouse named by a list's areaCode (filed as a warehouse). */
export async function isWarehouse(ctx: ClearanceContext, uscc: string, areaCode: string): Promise<boolean> {
  const party = (await ctx.filing.resolveCodes([areaCode])).get(areaCode);
  return party?.uscc === uscc && party.filed && party.roles.includes('warehouse');
}

export async function stock(ctx: ClearanceContext, areaCodes: string[] | null) {
  const rows = await stockStore.ofAreas(ctx.db, areaCodes);
  return rows.map((r) => ({
    areaCode: r.area_code,
    itemRecordNo: r.item_record_no,
    gcode: r.gcode,
    gname: r.gname,
    qty: Decimal.parse(r.qty).toString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}
