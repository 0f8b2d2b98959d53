/**
 * The reason shape every export rule returns (the same shape as the import decision reasons, engine.ts
 * `DecisionReason`): a code (the customs code where the specification has one, else a platform code `EXPORT_…`),
 * the rule that produced it, the field at fault as `Entity.xsdName`, the list item when one is concerned, and a
 * message in Chinese and English. Pure.
 */

export interface Bilingual {
  zh: string;
  en: string;
}

export interface ExportReason {
  /** A customs code where one exists (e.g. -301002), else a platform code (`EXPORT_MATCH_ORDER_KEY`). */
  code: string;
  /** The rule that failed (kebab-case, stable: tests and the portal key on it). */
  rule: string;
  /** The field at fault, as `Entity.xsdName` (`InventoryHead.statisticsFlag`, `InventoryList.gcode`). */
  field: string;
  /** The list item (gnum) when the reason concerns one item. */
  item?: number;
  message: Bilingual;
}

/** Builds a reason; `item` is kept only when it is a whole number. */
export function exportReason(
  code: string,
  rule: string,
  field: string,
  zh: string,
  en: string,
  item?: number | string,
): ExportReason {
  const r: ExportReason = { code, rule, field, message: { zh, en } };
  const n = typeof item === 'string' && /^\d+$/.test(item) ? Number(item) : item;
  if (typeof n === 'number' && Number.isInteger(n)) r.item = n;
  return r;
}

/** The platform code of a rule: `EXPORT_` + prefix + the rule in upper snake case (`order-key` → `EXPORT_MATCH_ORDER_KEY`). */
export function platformCode(prefix: string, rule: string): string {
  return `EXPORT_${prefix}${prefix ? '_' : ''}${rule.replace(/-/g, '_').toUpperCase()}`;
}

/** A gnum as a canonical string ("01" and 1 are both "1"). */
export function gnumKey(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v).trim();
  return /^\d+$/.test(s) ? String(Number(s)) : s;
}

/** Trimmed text; null and undefined are empty. */
export const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v).trim());
