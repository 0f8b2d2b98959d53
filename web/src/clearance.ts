/**
 * The clearance API (清单通关, 电子税单, 汇总征税, 保税库存, 额度预检): lists under clearance with their decisions,
 * officers' release/reject, returns, tax bills and the guarantor's monthly consolidated payment, bonded stock,
 * and the buyer quota pre-check. Shapes follow src/modules/clearance/lists-routes.ts and service.ts.
 */
import { isZh, type Page, request } from './api';
import type { ApiBody, ApiOk, ApiQuery, Item, Refine } from './api/types';

/** The statuses of a list under clearance: the enum of the list query's `status` (generated from the server). */
export type ListStatus = NonNullable<ApiQuery<'/api/v1/clearance/lists'>['status']>;

/** Colours of the list statuses (antd Tag colours): one entry per status, the compiler holds it to ListStatus. */
export const LIST_STATUS_COLORS: Record<ListStatus, string> = {
  waiting: 'processing',
  review: 'gold',
  inspection: 'orange',
  released: 'success',
  closed: 'cyan',
  rejected: 'error',
  cancelled: 'default',
  withdrawn: 'default',
};

/** Every list status, in the order of the filters (the keys of LIST_STATUS_COLORS: no second hand-written list). */
export const LIST_STATUSES = Object.keys(LIST_STATUS_COLORS) as readonly ListStatus[];

export type CreditLevel = 'advanced' | 'certified' | 'general' | 'dishonest' | 'seriously-dishonest';
export type MissingDocument = 'order' | 'payment' | 'waybill';

// The decision, a list's returns and a tax bill's lines are JSON the server's response schemas declare as `unknown`
// (not described by the OpenAPI document): their shapes are written here, after src/modules/clearance.

/** A reason of a decision in plain words: a customs code (or a platform code), the rule, the item, the field. */
export interface DecisionReason {
  code: string;
  rule: string;
  item?: number;
  field?: string;
  message: { zh: string; en: string };
}

export interface Sampling {
  level: CreditLevel;
  rate: string;
  seed: string;
  draw: string;
  inspect: boolean;
}

export interface TaxLine {
  gnum: number;
  gcode: string;
  taxPrice: string;
  customsTax: string;
  valueAddedTax: string;
  consumptionTax: string;
}

export interface Taxed {
  regime?: 'within-limits' | 'full-tax';
  amount: string;
  customsTax: string;
  valueAddedTax: string;
  consumptionTax: string;
  total: string;
  lines: TaxLine[];
}

export interface ListDecision {
  outcome: 'waiting' | 'rejected' | 'review' | 'inspection' | 'release';
  stage?: string;
  reasons?: DecisionReason[];
  sampling?: Sampling | null;
  taxed?: Taxed;
  missing?: MissingDocument[];
  rulesVersion?: string;
}

export interface ListReturn {
  id: string;
  /** applied | arrived | late | rejected */
  status: string;
  items: unknown;
  amount: string;
  tax: string;
  appliedAt: string;
  arrivedAt: string | null;
  reason: string | null;
}

export type TaxBillStatus = NonNullable<ApiQuery<'/api/v1/tax/bills'>['status']>;

export type TaxBill = Refine<Item<ApiOk<'/api/v1/tax/bills'>['items']>, { status: TaxBillStatus; items: TaxLine[] }>;

type ListAnswer = ApiOk<'/api/v1/clearance/lists/{id}'>;
type ListRefined = { status: ListStatus; decision: ListDecision | null };

export type ClearanceList = Refine<
  Omit<Item<ApiOk<'/api/v1/clearance/lists'>['items']>, 'events' | 'returns' | 'taxBill'>,
  ListRefined
>;
export type ListEvent = Item<NonNullable<ListAnswer['events']>>;

export type ClearanceListDetail = Refine<
  ListAnswer,
  ListRefined & { events: ListEvent[]; returns: ListReturn[]; taxBill: TaxBill | null }
>;

export type TaxDue = Refine<ApiOk<'/api/v1/tax/due'>, { bills: TaxBill[] }>;
export type Consolidation = ApiOk<'/api/v1/tax/consolidations', 'post'>;
export type StockItem = Item<ApiOk<'/api/v1/bonded/stock'>['items']>;
export type StockEntryInput = ApiBody<'/api/v1/bonded/entries'>;

type QuotaBody = ApiBody<'/api/v1/quota/check'>;
/** What the buyer agreed to: whether an order fits, or also the amount left this year. */
export type ConsentScope = NonNullable<QuotaBody['consent']>['scope'];
export type QuotaAnswer = ApiOk<'/api/v1/quota/check', 'post'>;

const enc = encodeURIComponent;

export const clearanceApi = {
  lists: (q: { status?: ListStatus; q?: string; page?: number; pageSize?: number }) =>
    request<Page<ClearanceList>>('GET', '/clearance/lists', undefined, q),
  list: (id: string) => request<ClearanceListDetail>('GET', `/clearance/lists/${enc(id)}`),
  decide: (id: string, decision: 'release' | 'reject', note: string) =>
    request<ClearanceListDetail>('POST', `/clearance/lists/${enc(id)}/decision`, { decision, note }),
  confirmArrival: (returnId: string) => request<void>('POST', `/clearance/returns/${enc(returnId)}/arrival`),
  taxBills: (q: { status?: TaxBillStatus; month?: string; page?: number; pageSize?: number }) =>
    request<Page<TaxBill>>('GET', '/tax/bills', undefined, q),
  taxDue: (month: string, uscc?: string) => request<TaxDue>('GET', '/tax/due', undefined, { month, uscc }),
  consolidate: (month: string) => request<Consolidation>('POST', '/tax/consolidations', { month }),
  stock: (areaCode?: string) =>
    request<{ items: StockItem[] }>('GET', '/bonded/stock', undefined, { areaCode }).then((r) => r.items),
  addStockEntry: (body: StockEntryInput) =>
    request<{ areaCode: string; entryNo: string; repeated: boolean }>('POST', '/bonded/entries', body),
  quotaCheck: (body: QuotaBody) => request<QuotaAnswer>('POST', '/quota/check', body),
};

/** A reason's words in the current language. */
export function reasonText(r: DecisionReason, lang: string): string {
  return isZh(lang) ? r.message.zh : r.message.en || r.message.zh;
}

/** Reasons with a stable React key each (the same rule may apply to several items, or twice). */
export function keyedReasons(reasons: readonly DecisionReason[]): { key: string; r: DecisionReason }[] {
  const seen = new Map<string, number>();
  return reasons.map((r) => {
    const base = `${r.rule}|${r.code}|${r.item ?? ''}|${r.field ?? ''}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { key: n ? `${base}#${n}` : base, r };
  });
}

/** The sum of the three taxes of a list (2 decimals), or null when not assessed. */
export function taxTotal(tax: ClearanceList['tax']): string | null {
  if (!tax) return null;
  const fen = [tax.customsTax, tax.valueAddedTax, tax.consumptionTax].reduce(
    (s, v) => s + Math.round(Number(v || '0') * 100),
    0,
  );
  return (fen / 100).toFixed(2);
}

/** The current month in Asia/Shanghai, as YYYY-MM. */
export function shanghaiMonth(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** '0.05' → '5%', '1' → '100%'. */
export function percent(rate: string): string {
  const n = Number(rate);
  if (!Number.isFinite(n)) return rate;
  return `${Number((n * 100).toFixed(4))}%`;
}

/** RMB amount for display: '¥1,234.50'. */
export function yuan(v: string | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  return `¥${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
