/**
 * The list's statisticsFlag (申报业务类型; XSD-EXP `InventoryHead.statisticsFlag`, ceb-messages.md §7.2,
 * platform-decisions.md "Export"):
 *
 * - `A` 简化申报: allowed only when, for every item, the goods need no export licence, carry no export duty and claim
 *   no export refund on the list's date (不涉许可证、不涉出口关税、不涉及出口退税), per the dated export-conditions
 *   table. Then the commodity code may be given at the tariff heading: the first 4 digits for 9610 (and 1210), the
 *   first 6 for 9710/9810 ("6-digit simplified codes where allowed"). A simplified code is written either as the
 *   digits alone (`8543`) or right-padded with zeros to the XSD's 10 characters (`8543000000`); its significant
 *   part is the code without its trailing zeros, but never shorter than the mode's minimum (4 or 6).
 *   A shortened code concerns every row of the table under it: heading 8543 is refused when any 8543… code in force
 *   needs a licence, duty or refund, since the heading cannot tell them apart. An item no row concerns is refused:
 *   its conditions are unknown (option `unlisted: 'none'` treats it as needing nothing).
 * - `B` 汇总申报: the list is summarised into a customs declaration (summary.ts), which needs the normal 10-digit
 *   code of every item.
 *
 * Each refusal names the item (gnum) and the condition that failed. Pure.
 */
import type { BusinessDate } from '../../../../kernel/time.js';
import {
  EXPORT_CONDITION_NAMES,
  EXPORT_CONDITIONS,
  type ExportCondition,
  type ExportConditionsRow,
  type ExportConditionsTable,
  rowsConcerning,
} from './export-conditions-table.js';
import { type ExportReason, exportReason, gnumKey, text } from './reason.js';

export interface FlagListHead {
  statisticsFlag: string;
  tradeMode: string;
}
export interface FlagListItem {
  gnum: number | string;
  gcode: string;
}

export interface FlagOptions {
  /** How an item no table row concerns is treated: `refuse` (default: its conditions are unknown) or `none`. */
  unlisted?: 'refuse' | 'none';
}

export type FlagResult = { ok: true; flag: 'A' | 'B' } | { ok: false; reasons: ExportReason[] };

/** The fewest significant digits of a simplified (A) code: 6 for 9710/9810, else 4 (the tariff heading). */
export function simplifiedDigits(tradeMode: string): 4 | 6 {
  return text(tradeMode) === '9710' || text(tradeMode) === '9810' ? 6 : 4;
}

/** The significant part of a code declared under A (trailing zeros dropped, at least `min` digits kept). */
export function significantCode(gcode: string, min: number): string {
  const g = text(gcode);
  const stripped = g.replace(/0+$/, '');
  return g.slice(0, Math.max(min, stripped.length));
}

/** The conditions (of `EXPORT_CONDITIONS`) that apply to any of the rows. */
export function conditionsApplying(rows: readonly ExportConditionsRow[]): ExportCondition[] {
  return EXPORT_CONDITIONS.filter((c) => c !== 'needsInspection' && rows.some((r) => r[c]));
}

const FIELD = 'InventoryHead.statisticsFlag';

/** Checks a list's statisticsFlag against its items' codes and the conditions in force on `date`. */
export function checkStatisticsFlag(
  list: { head: FlagListHead; items: readonly FlagListItem[] },
  date: BusinessDate,
  table: ExportConditionsTable,
  options: FlagOptions = {},
): FlagResult {
  const flag = text(list.head.statisticsFlag);
  const reasons: ExportReason[] = [];
  if (flag !== 'A' && flag !== 'B') {
    return {
      ok: false,
      reasons: [
        exportReason(
          'EXPORT_FLAG_VALUE',
          'statistics-flag-value',
          FIELD,
          `申报业务类型[${flag}]应为 A（简化申报）或 B（汇总申报）`,
          `statisticsFlag [${flag}] must be A (simplified declaration) or B (summary declaration)`,
        ),
      ],
    };
  }
  if (flag === 'B') {
    for (const item of list.items) {
      const g = gnumKey(item.gnum);
      const code = text(item.gcode);
      if (/^\d{10}$/.test(code)) continue;
      reasons.push(
        exportReason(
          'EXPORT_FLAG_B_CODE',
          'statistics-flag-b-code',
          'InventoryList.gcode',
          `汇总申报（B）的清单第${g}项商品编码[${code}]应为 10 位海关商品编码`,
          `A summary-declaration (B) list needs the 10-digit commodity code: item ${g} has [${code}]`,
          g,
        ),
      );
    }
    return reasons.length > 0 ? { ok: false, reasons } : { ok: true, flag };
  }

  const min = simplifiedDigits(list.head.tradeMode);
  for (const item of list.items) {
    const g = gnumKey(item.gnum);
    const raw = text(item.gcode);
    if (!/^\d{4,10}$/.test(raw)) {
      reasons.push(
        exportReason(
          'EXPORT_FLAG_A_CODE',
          'statistics-flag-a-code',
          'InventoryList.gcode',
          `清单第${g}项商品编码[${raw}]应为 4 至 10 位数字`,
          `Item ${g}: the commodity code [${raw}] must be 4 to 10 digits`,
          g,
        ),
      );
      continue;
    }
    if (raw.length < min) {
      reasons.push(
        exportReason(
          'EXPORT_FLAG_A_CODE',
          'statistics-flag-a-code',
          'InventoryList.gcode',
          `贸易方式 ${text(list.head.tradeMode)} 的简化申报至少按前 ${min} 位申报商品编码，第${g}项为[${raw}]`,
          `A simplified ${text(list.head.tradeMode)} list needs at least ${min} digits of the commodity code; item ${g} has [${raw}]`,
          g,
        ),
      );
      continue;
    }
    const code = significantCode(raw, min);
    const rows = rowsConcerning(table, code, date);
    if (rows.length === 0) {
      if (options.unlisted === 'none') continue;
      reasons.push(
        exportReason(
          'EXPORT_FLAG_A_UNLISTED',
          'statistics-flag-a-unlisted',
          FIELD,
          `清单第${g}项商品编码[${raw}]在 ${date} 有效的出口商品监管条件表中没有记录，无法确认不涉证、不涉税、不退税，不能简化申报（A）`,
          `Item ${g}: commodity code [${raw}] is not in the export-conditions table in force on ${date}, so it cannot be shown to need no licence, duty or refund; simplified declaration (A) is refused`,
          g,
        ),
      );
      continue;
    }
    for (const c of conditionsApplying(rows)) {
      const name = EXPORT_CONDITION_NAMES[c];
      const by = rows.filter((r) => r[c]).map((r) => r.hsCode);
      reasons.push(
        exportReason(
          `EXPORT_FLAG_A_${name.column.toUpperCase()}`,
          `statistics-flag-a-${name.column.replace(/_/g, '-')}`,
          FIELD,
          `清单第${g}项商品（${raw}）${name.zh}（出口商品监管条件表 ${by.join('、')}，${date}），不能简化申报（A），应按汇总申报（B）`,
          `Item ${g} (${raw}) ${name.en} (export-conditions table ${by.join(', ')}, ${date}): simplified declaration (A) is not allowed; declare it as B`,
          g,
        ),
      );
    }
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, flag };
}
