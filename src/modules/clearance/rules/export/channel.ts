/**
 * The list channel of B2B exports (issue 9 §4; ceb-messages.md §7.2 "9710/9810 channel by value"; platform-decisions.md
 * "Export"): a single shipment of at most 5,000 RMB that needs no licence, no inspection (法检) and no export duty
 * (不涉证、不涉检、不涉税) may be declared as a list; any other goes to a customs declaration (报关单, H2018) and is
 * refused on the list channel with the reason. And a 9810 list must name an overseas warehouse filed on the platform
 * and valid on the list's date.
 *
 * - The rule applies to the trade modes of `ChannelOptions.modes` (config; default 9710 and 9810, the modes §7.2
 *   states it for; a 9610 retail list is not refused by value).
 * - The shipment value is the sum of the list items' totalPrice (the goods value, without freight and insurance),
 *   each item converted to RMB at the customs rate of the list's date and rounded to the fen (currency.ts).
 *   "Over" is strictly greater: exactly 5,000.00 RMB stays on the list channel (as the import limits).
 * - The conditions come from the export-conditions table (licence, inspection, duty; the longest prefix in force on
 *   the date). An item whose code no row covers is refused with "conditions unknown" unless `unlisted: 'none'`.
 * - A list that cannot be valued (unknown currency, no rate) is refused with the currency reasons.
 *
 * Pure; the warehouse records are passed in (their storage is the platform's overseas-warehouse filing).
 */

import { checkUscc } from '../../../../kernel/codes/uscc.js';
import { Decimal } from '../../../../kernel/money.js';
import { type BusinessDate, isBusinessDate } from '../../../../kernel/time.js';
import { type RateContext, type RateUsed, sumToRmb } from './currency.js';
import { conditionsFor, EXPORT_CONDITION_NAMES, type ExportConditionsTable } from './export-conditions-table.js';
import { type Bilingual, type ExportReason, exportReason, gnumKey, text } from './reason.js';

/** 5,000.00 RMB: the largest single shipment on the list channel (config). */
export const LIST_CHANNEL_LIMIT_RMB = Decimal.parse('5000.00');

// ---------------------------------------------------------------------------------------------------------------
// Overseas warehouses (海外仓) filed on the platform by their operator

export const WAREHOUSE_STATUSES = ['filed', 'suspended', 'revoked'] as const;
export type WarehouseStatus = (typeof WAREHOUSE_STATUSES)[number];

export interface OverseasWarehouse {
  /** The platform's filing number of the warehouse (what a 9810 list names). */
  code: string;
  name: string;
  /** The operating enterprise's unified social credit code. */
  operatorUscc: string;
  /** Country (地区): a JGS-20 customs country code (3 digits, 502) or an ISO 3166 alpha-2 code (US). */
  country: string;
  address: string;
  /** Floor area in m², a positive decimal string. */
  areaM2: string;
  /** The goods categories it serves (HS chapters or headings, 2 to 4 digits, or free category names). */
  categories: readonly string[];
  validFrom: BusinessDate;
  validTo: BusinessDate | null;
  status: WarehouseStatus;
}

export interface WarehouseProblem {
  field: keyof OverseasWarehouse;
  message: Bilingual;
}

const CHINA = new Set(['142', 'CN']);

/** Every problem of a warehouse record (empty when it can be filed), each naming its field in both languages. */
export function validateWarehouse(w: OverseasWarehouse): WarehouseProblem[] {
  const out: WarehouseProblem[] = [];
  const bad = (field: keyof OverseasWarehouse, zh: string, en: string) => out.push({ field, message: { zh, en } });
  if (!/^[0-9A-Za-z-]{1,30}$/.test(text(w.code))) {
    bad(
      'code',
      '海外仓编号应为 1 至 30 位字母、数字或连字符',
      'The warehouse code must be 1 to 30 letters, digits or hyphens',
    );
  }
  if (text(w.name) === '') bad('name', '海外仓名称不能为空', 'The warehouse name is required');
  else if ([...text(w.name)].length > 100)
    bad('name', '海外仓名称不能超过 100 个字符', 'The warehouse name must not exceed 100 characters');
  const uscc = checkUscc(text(w.operatorUscc));
  if (!uscc.ok)
    bad('operatorUscc', `经营企业统一社会信用代码有误：${uscc.messageZh}`, `Operator USCC: ${uscc.messageEn}`);
  const country = text(w.country);
  if (!/^(?:\d{3}|[A-Z]{2})$/.test(country)) {
    bad(
      'country',
      '国家（地区）应为 3 位海关国别代码（如 502）或 2 位 ISO 3166 代码（如 US）',
      'The country must be a 3-digit customs country code (502) or an ISO 3166 alpha-2 code (US)',
    );
  } else if (CHINA.has(country)) {
    bad('country', '海外仓应位于境外，国家（地区）不能为中国', 'An overseas warehouse must be outside China');
  }
  if (text(w.address) === '') bad('address', '海外仓地址不能为空', 'The warehouse address is required');
  const area = Decimal.tryParse(text(w.areaM2));
  if (!area.ok || !area.value.isPositive()) {
    bad(
      'areaM2',
      `面积[${text(w.areaM2)}]应为正数（平方米）`,
      `The area [${text(w.areaM2)}] must be a positive number of m²`,
    );
  }
  if (w.categories.length === 0 || w.categories.some((c) => text(c) === '')) {
    bad(
      'categories',
      '应至少填写一个服务的商品类别，且不能为空',
      'At least one goods category served is required, none empty',
    );
  }
  if (!isBusinessDate(text(w.validFrom))) {
    bad('validFrom', '有效期起始日应为有效日期 YYYY-MM-DD', 'validFrom must be a real date YYYY-MM-DD');
  }
  if (w.validTo !== null) {
    if (!isBusinessDate(text(w.validTo)))
      bad('validTo', '有效期截止日应为有效日期 YYYY-MM-DD', 'validTo must be a real date YYYY-MM-DD');
    else if (isBusinessDate(text(w.validFrom)) && w.validTo < w.validFrom) {
      bad('validTo', '有效期截止日早于起始日', 'validTo is before validFrom');
    }
  }
  if (!(WAREHOUSE_STATUSES as readonly string[]).includes(w.status)) {
    bad(
      'status',
      `状态应为 ${WAREHOUSE_STATUSES.join('、')} 之一`,
      `The status must be one of: ${WAREHOUSE_STATUSES.join(', ')}`,
    );
  }
  return out;
}

/**
 * The warehouse a 9810 list names, checked for the list's date: filed (status `filed`), in its validity period
 * (inclusive), a valid record. Returns the reason when it cannot be used.
 */
export function warehouseReason(
  warehouseCode: string | null | undefined,
  warehouses: ReadonlyMap<string, OverseasWarehouse>,
  date: BusinessDate,
): ExportReason | null {
  const code = text(warehouseCode);
  const field = 'InventoryHead.warehouseCode';
  const refuse = (rule: string, zh: string, en: string) =>
    exportReason(`EXPORT_CHANNEL_${rule.replace(/-/g, '_').toUpperCase()}`, rule, field, zh, en);
  if (code === '') {
    return refuse(
      'warehouse-missing',
      '海外仓出口（9810）清单应注明在平台备案的海外仓',
      'A 9810 (overseas-warehouse export) list must name an overseas warehouse filed on the platform',
    );
  }
  const w = warehouses.get(code);
  if (!w) {
    return refuse(
      'warehouse-not-filed',
      `海外仓[${code}]未在平台备案，9810 清单不予接受`,
      `Overseas warehouse [${code}] is not filed on the platform; the 9810 list is refused`,
    );
  }
  if (w.status !== 'filed') {
    const zh = w.status === 'suspended' ? '已暂停' : '已撤销';
    return refuse(
      'warehouse-not-valid',
      `海外仓[${code}]（${w.name}）备案${zh}，9810 清单不予接受`,
      `Overseas warehouse [${code}] (${w.name}) is ${w.status}; the 9810 list is refused`,
    );
  }
  if (date < w.validFrom || (w.validTo !== null && date > w.validTo)) {
    const period = `${w.validFrom} – ${w.validTo ?? '…'}`;
    return refuse(
      'warehouse-not-valid',
      `海外仓[${code}]（${w.name}）的备案有效期为 ${period}，不包括清单日期 ${date}`,
      `Overseas warehouse [${code}] (${w.name}) is filed for ${period}, which does not include the list's date ${date}`,
    );
  }
  const problems = validateWarehouse(w);
  if (problems.length > 0) {
    return refuse(
      'warehouse-not-valid',
      `海外仓[${code}]的备案信息不完整：${problems.map((p) => p.message.zh).join('；')}`,
      `Overseas warehouse [${code}]'s filing is incomplete: ${problems.map((p) => p.message.en).join('; ')}`,
    );
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// The channel

export interface ChannelListHead {
  tradeMode: string;
  /** 9810: the filing code of the overseas warehouse the list names (from the 订仓单 / list extension). */
  warehouseCode?: string | null;
}
export interface ChannelListItem {
  gnum: number | string;
  gcode: string;
  currency: string;
  totalPrice: string;
}

export interface ChannelContext {
  rates: RateContext;
  conditions: ExportConditionsTable;
  /** Filed overseas warehouses by code. */
  warehouses: ReadonlyMap<string, OverseasWarehouse>;
}

export interface ChannelOptions {
  /** Largest shipment value on the list channel (RMB); default 5,000.00. */
  limitRmb?: Decimal;
  /** Trade modes the value and conditions rule applies to; default 9710 and 9810. */
  modes?: readonly string[];
  /** An item no conditions row covers: `refuse` (default) or `none`. */
  unlisted?: 'refuse' | 'none';
}

export type ChannelResult =
  | { ok: true; rmbValue: Decimal | null; rates: RateUsed[] }
  | { ok: false; reasons: ExportReason[]; rmbValue: Decimal | null; rates: RateUsed[] };

/**
 * Whether a list may stay on the list channel on `date`: the 9810 warehouse, the value and the conditions of each
 * item. `rmbValue` is the shipment's RMB value when it could be computed (null for modes the rule does not cover).
 */
export function checkListChannel(
  list: { head: ChannelListHead; items: readonly ChannelListItem[] },
  date: BusinessDate,
  ctx: ChannelContext,
  options: ChannelOptions = {},
): ChannelResult {
  const mode = text(list.head.tradeMode);
  const limit = options.limitRmb ?? LIST_CHANNEL_LIMIT_RMB;
  const modes = options.modes ?? ['9710', '9810'];
  const reasons: ExportReason[] = [];
  if (mode === '9810') {
    const r = warehouseReason(list.head.warehouseCode, ctx.warehouses, date);
    if (r) reasons.push(r);
  }
  if (!modes.includes(mode)) {
    return reasons.length > 0
      ? { ok: false, reasons, rmbValue: null, rates: [] }
      : { ok: true, rmbValue: null, rates: [] };
  }

  const value = sumToRmb(
    list.items.map((i) => ({
      amount: i.totalPrice,
      currency: i.currency,
      field: 'InventoryList.totalPrice',
      item: gnumKey(i.gnum),
    })),
    date,
    ctx.rates,
  );
  let rmbValue: Decimal | null = null;
  let rates: RateUsed[] = [];
  if (!value.ok) reasons.push(...value.reasons);
  else {
    rmbValue = value.rmb;
    rates = value.rates;
    if (value.rmb.gt(limit)) {
      reasons.push(
        exportReason(
          'EXPORT_CHANNEL_OVER_LIMIT',
          'over-limit',
          'InventoryList.totalPrice',
          `单票货值 ${value.rmb.toAmountString()} 元人民币超过 ${limit.toAmountString()} 元，应通过报关单申报，不能以清单申报`,
          `The shipment's value of ${value.rmb.toAmountString()} RMB is over ${limit.toAmountString()} RMB: it must be declared on a customs declaration, not as a list`,
        ),
      );
    }
  }

  for (const item of list.items) {
    const g = gnumKey(item.gnum);
    const code = text(item.gcode);
    const row = conditionsFor(ctx.conditions, code, date);
    if (!row) {
      if (options.unlisted === 'none') continue;
      reasons.push(
        exportReason(
          'EXPORT_CHANNEL_CONDITIONS_UNKNOWN',
          'conditions-unknown',
          'InventoryList.gcode',
          `清单第${g}项商品编码[${code}]在 ${date} 有效的出口商品监管条件表中没有记录，无法确认不涉证、不涉检、不涉税，应通过报关单申报`,
          `Item ${g}: commodity code [${code}] is not in the export-conditions table in force on ${date}, so it cannot be shown to need no licence, inspection or duty; it must be declared on a customs declaration`,
          g,
        ),
      );
      continue;
    }
    for (const c of ['needsLicence', 'needsInspection', 'exportDuty'] as const) {
      if (!row[c]) continue;
      const name = EXPORT_CONDITION_NAMES[c];
      reasons.push(
        exportReason(
          `EXPORT_CHANNEL_${name.column.toUpperCase()}`,
          name.column.replace(/_/g, '-'),
          'InventoryList.gcode',
          `清单第${g}项商品（${code}）${name.zh}（出口商品监管条件表 ${row.hsCode}），应通过报关单申报，不能以清单申报`,
          `Item ${g} (${code}) ${name.en} (export-conditions table ${row.hsCode}): it must be declared on a customs declaration, not as a list`,
          g,
        ),
      );
    }
  }
  return reasons.length > 0 ? { ok: false, reasons, rmbValue, rates } : { ok: true, rmbValue, rates };
}
