/**
 * The export list's status machine, by its CEB604 returnStatus (ceb-messages.md §4.1; XSD-EXP `InventoryReturn`:
 * "1电子口岸已暂存/2电子口岸申报中/3发送海关成功/4发送海关失败/100海关退单/120海关入库/300人工审核/399海关审结/
 * 800放行/899结关"; §4.1 adds 500 查验 for 604). Pure.
 *
 * Note: issue 9's sketch calls 2 "电子口岸已暂存"; the XSD says 1 is 已暂存 and 2 is 申报中. This file follows the XSD.
 *
 *   (CEB603 appStatus 1) → 1 ─(CEB603 appStatus 2)→ 2 → 3 → 120        (2 → 120 directly when the platform is the port)
 *   (CEB603 appStatus 2) → 2                          2/3 → 4 (send failed) → 2 (declared again)
 *   120 → 399 (审结) | 300 (人工审核) | 500 (查验)      300 → 399 | 500       500 → 399
 *   399 ─(CEB507 运抵: arrival at the supervised site)→ 800 (放行)     399 → 500 (inspection ordered on arrival)
 *   500 ─(inspection passed after arrival)→ 800
 *   800 ─(CEB509 离境: departure)→ 899 (结关)
 *   1, 2, 3, 120, 300, 399, 500 → 100 (退单, with its reason in returnInfo); 100 ─(CEB603 declared again)→ 2
 *
 * - Which message triggers each transition is part of the table: CEB603 (the declarant), CEB604 (a customs receipt),
 *   CEB507 (arrival: the release of an examined list) and CEB509 (departure: closing). A CEB604 800 or 899 is the
 *   receipt of that event; the transition is the same.
 * - A receipt with a negative returnStatus (处理异常回执, §5.2) is an error report: it changes no state.
 * - 100 needs its reason (returnInfo): a 100 without one is refused.
 * - Released means 800 or 899 (returns.ts: only released lists can be returned); closed means 899 (summary.ts).
 * - Cancellation (CEB605/606) is not a CEB604 status: `cancellable` says in which states a CEB605 is accepted (after
 *   customs took the list in, before it left the country) [I: the export spec gives no rule; import refuses a wrong
 *   state with -623005].
 */
import { type ExportReason, exportReason, text } from './reason.js';

export const EXPORT_LIST_STATUSES = {
  '1': { zh: '电子口岸已暂存', en: 'saved at the e-port (draft)' },
  '2': { zh: '电子口岸申报中', en: 'being declared at the e-port' },
  '3': { zh: '发送海关成功', en: 'sent to customs' },
  '4': { zh: '发送海关失败', en: 'sending to customs failed' },
  '100': { zh: '海关退单', en: 'rejected by customs' },
  '120': { zh: '海关入库', en: 'accepted into the customs database' },
  '300': { zh: '人工审核', en: 'under officer review' },
  '399': { zh: '海关审结', en: 'examined by customs' },
  '500': { zh: '查验', en: 'under inspection' },
  '800': { zh: '放行', en: 'released' },
  '899': { zh: '结关', en: 'closed (departed)' },
} as const satisfies Record<string, { zh: string; en: string }>;
export type ExportListStatus = keyof typeof EXPORT_LIST_STATUSES;

export type StatusTrigger = 'CEB603' | 'CEB604' | 'CEB507' | 'CEB509';

export interface StatusTransition {
  from: ExportListStatus | null;
  to: ExportListStatus;
  triggers: readonly StatusTrigger[];
}

const T = (from: ExportListStatus | null, to: ExportListStatus, ...triggers: StatusTrigger[]): StatusTransition => ({
  from,
  to,
  triggers,
});

/** Every allowed transition and the messages that may cause it. */
export const EXPORT_LIST_TRANSITIONS: readonly StatusTransition[] = [
  T(null, '1', 'CEB603'),
  T(null, '2', 'CEB603'),
  T('1', '2', 'CEB603'),
  T('2', '3', 'CEB604'),
  T('2', '4', 'CEB604'),
  T('3', '4', 'CEB604'),
  T('4', '2', 'CEB603'),
  T('2', '120', 'CEB604'),
  T('3', '120', 'CEB604'),
  T('120', '399', 'CEB604'),
  T('120', '300', 'CEB604'),
  T('120', '500', 'CEB604'),
  T('300', '399', 'CEB604'),
  T('300', '500', 'CEB604'),
  T('500', '399', 'CEB604'),
  T('399', '500', 'CEB604'),
  T('399', '800', 'CEB507', 'CEB604'),
  T('500', '800', 'CEB507', 'CEB604'),
  T('800', '899', 'CEB509', 'CEB604'),
  ...(['1', '2', '3', '120', '300', '399', '500'] as const).map((s) => T(s, '100', 'CEB604')),
  T('100', '2', 'CEB603'),
];

const BY_KEY = new Map(EXPORT_LIST_TRANSITIONS.map((t) => [`${t.from ?? ''}>${t.to}`, t]));

export function isExportListStatus(s: string): s is ExportListStatus {
  return Object.hasOwn(EXPORT_LIST_STATUSES, s);
}

/** The states reachable from a state (the table's order). */
export function nextStatuses(from: ExportListStatus | null): ExportListStatus[] {
  return EXPORT_LIST_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
}

const name = (s: ExportListStatus | null) =>
  s === null
    ? { zh: '（未申报）', en: '(not declared)' }
    : { zh: `${s} ${EXPORT_LIST_STATUSES[s].zh}`, en: `${s} ${EXPORT_LIST_STATUSES[s].en}` };

export type StatusChange =
  | { ok: true; status: ExportListStatus; changed: true }
  /** A negative returnStatus (error receipt) or a repeated receipt of the current status: no change. */
  | { ok: true; status: ExportListStatus | null; changed: false }
  | { ok: false; reason: ExportReason };

/**
 * Applies an event to a list's status: `to` is the new returnStatus (a CEB604 receipt's, or the status an arrival,
 * departure or declaration leads to), `trigger` the message that caused it; `returnInfo` the receipt's reason text.
 */
export function applyStatus(
  from: ExportListStatus | null,
  to: string,
  trigger: StatusTrigger,
  returnInfo = '',
): StatusChange {
  const target = text(to);
  const field = 'InventoryReturn.returnStatus';
  if (/^-\d+$/.test(target)) return { ok: true, status: from, changed: false };
  if (!isExportListStatus(target)) {
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_STATUS_UNKNOWN',
        'status-unknown',
        field,
        `回执状态[${target}]不是出口清单的状态（1、2、3、4、100、120、300、399、500、800、899）`,
        `returnStatus [${target}] is not an export list status (1, 2, 3, 4, 100, 120, 300, 399, 500, 800, 899)`,
      ),
    };
  }
  if (from === target && trigger === 'CEB604') return { ok: true, status: from, changed: false };
  const t = BY_KEY.get(`${from ?? ''}>${target}`);
  if (!t) {
    const [a, b] = [name(from), name(target)];
    const allowed = nextStatuses(from);
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_STATUS_TRANSITION',
        'status-transition',
        field,
        `清单状态不能从 ${a.zh} 变为 ${b.zh}（可变为：${allowed.join('、') || '无'}）`,
        `A list cannot go from ${a.en} to ${b.en} (allowed: ${allowed.join(', ') || 'none'})`,
      ),
    };
  }
  if (!t.triggers.includes(trigger)) {
    const [a, b] = [name(from), name(target)];
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_STATUS_TRIGGER',
        'status-trigger',
        field,
        `清单从 ${a.zh} 变为 ${b.zh} 应由 ${t.triggers.join('、')} 引起，而不是 ${trigger}`,
        `A list goes from ${a.en} to ${b.en} on ${t.triggers.join(' or ')}, not on ${trigger}`,
      ),
    };
  }
  if (target === '100' && text(returnInfo) === '') {
    return {
      ok: false,
      reason: exportReason(
        'EXPORT_STATUS_REJECTION_REASON',
        'status-rejection-reason',
        'InventoryReturn.returnInfo',
        '海关退单（100）应在回执信息中注明退单原因',
        'A rejection (100) must give its reason in returnInfo',
      ),
    };
  }
  return { ok: true, status: target, changed: true };
}

/** The status an arrival (CEB507 运抵) gives a list: 800 from 399 or 500. */
export function onArrival(from: ExportListStatus | null): StatusChange {
  return applyStatus(from, '800', 'CEB507');
}

/** The status a departure (CEB509 离境) gives a list: 899 from 800. */
export function onDeparture(from: ExportListStatus | null): StatusChange {
  return applyStatus(from, '899', 'CEB509');
}

/** Released (放行 or 结关): the states from which a return may be applied for. */
export const isReleased = (s: string | null): boolean => s === '800' || s === '899';
/** Closed (结关): the lists a summary takes. */
export const isClosed = (s: string | null): boolean => s === '899';
/** Whether a CEB605 cancellation is accepted in a state [I]. */
export const cancellable = (s: string | null): boolean =>
  s === '120' || s === '300' || s === '399' || s === '500' || s === '800';
