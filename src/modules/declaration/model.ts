/**
 * The declaration hub's pure rules (三单申报一口接入): which messages enterprises send, how each record is keyed,
 * which enterprise codes must be filed in which role, the appType rules, the customs error codes, and the receipts.
 * No I/O. References: ceb-messages.md §2 (envelope), §4 (returnStatus), §5 (error codes), §9 (filing codes);
 * platform-decisions.md "Messages".
 */
import type { FilingRole } from '../filing/port.js';
import type { CebRecord } from './ceb/codec.js';
import type { CebGroupDef, CebNodeDef } from './ceb/definition-types.js';
import { CEB_MESSAGE_DEFS, type CebMessageType } from './ceb/definitions.generated.js';

/** The normalised kinds; every other data message is kept whole as a document. */
export type RecordKind = 'order' | 'payment' | 'waybill' | 'inventory' | 'document';

export type Bilingual = { zh: string; en: string };

/** A reason a message or record is refused: the customs code, where (and the XML line, when known), and why. */
export type IntakeError = { code: string; path: string; line?: number; message: Bilingual };

/** One error as the format receipt's returnInfo writes it: `[0001] 第 1 行 …: 报文不是格式正确的XML / 1:74: …`. */
export function returnInfoOf(e: IntakeError): string {
  const where = [e.path, e.line ? `第 ${e.line} 行` : ''].filter(Boolean).join(' ');
  // the parser's own words (line:column and what it met) are in English only: give them too, as the CLI does
  const detail = e.code === '0001' && e.message.en && !e.message.zh.includes(e.message.en) ? ` / ${e.message.en}` : '';
  return `[${e.code}] ${where ? `${where}: ` : ''}${e.message.zh}${detail}`;
}

/** The CEB record-level codes per kind (ceb-messages.md §5.2). */
const CODES: Record<
  Exclude<RecordKind, 'document'>,
  { duplicate: string; notFound: string; old: string; declared: string }
> = {
  order: { duplicate: '-301010', notFound: '-301009', old: '-301014', declared: '-301011' },
  payment: { duplicate: '-401007', notFound: '-401009', old: '-401012', declared: '-401008' },
  waybill: { duplicate: '-504015', notFound: '-504009', old: '-504013', declared: '-504016' },
  inventory: { duplicate: '-621004', notFound: '-621011', old: '-621017', declared: '-621012' },
};
const DOCUMENT_CODES = { duplicate: '-800003', notFound: '-800001', old: '-800005', declared: '-800001' };

/** Document types with codes of their own: a cancellation declared twice is -623009 撤单清单已经申报过. */
const TYPE_CODES: Partial<Record<string, typeof DOCUMENT_CODES>> = {
  CEB623Message: { ...DOCUMENT_CODES, duplicate: '-623009' },
};

export function codesOf(kind: RecordKind, type?: string) {
  if (kind !== 'document') return CODES[kind];
  return (type ? TYPE_CODES[type] : undefined) ?? DOCUMENT_CODES;
}

/** Which record field names an enterprise in which filing role (ceb-messages.md §9). */
export const CODE_FIELD_ROLES: Record<string, FilingRole> = {
  ebpCode: 'ebp',
  ebcCode: 'ebc',
  payCode: 'payment',
  logisticsCode: 'logistics',
  agentCode: 'agent',
  assureCode: 'assure',
  operatorCode: 'site_operator',
};

export type MessageSpec = {
  type: CebMessageType;
  kind: RecordKind;
  /** The receipt type sent back for this message's records (CEB311 → CEB312). */
  receiptType: CebMessageType;
  /** The record element's head group name (OrderHead), or null when the record itself is the head. */
  head: string | null;
  /** The repeated item group inside a record (OrderList), if any. */
  items: string | null;
  /** Fields whose values together identify a record. */
  keyFields: string[];
};

const KEY_FIELDS: Partial<Record<CebMessageType, string[]>> = {
  CEB311Message: ['ebpCode', 'ebcCode', 'orderNo'],
  CEB411Message: ['payCode', 'payTransactionId'],
  CEB511Message: ['logisticsCode', 'logisticsNo'],
  CEB513Message: ['logisticsCode', 'logisticsNo', 'logisticsStatus'],
  CEB621Message: ['ebpCode', 'ebcCode', 'orderNo'],
  CEB623Message: ['agentCode', 'invtNo'],
  CEB625Message: ['agentCode', 'invtNo'],
  CEB711Message: ['operatorCode', 'billNo', 'trafNo', 'voyageNo'],
  CEB213Message: ['agentCode', 'invtNo'],
  CEB215Message: ['operatorCode', 'logisticsCode', 'logisticsNo'],
  CEB303Message: ['ebpCode', 'ebcCode', 'orderNo'],
  CEB403Message: ['ebcCode', 'orderNo', 'payNo'],
  CEB505Message: ['logisticsCode', 'logisticsNo'],
  CEB507Message: ['operatorCode', 'copNo', 'msgSeqNo'],
  CEB509Message: ['logisticsCode', 'copNo', 'msgSeqNo'],
  CEB603Message: ['agentCode', 'copNo'],
  CEB605Message: ['agentCode', 'copNo'],
  CEB607Message: ['agentCode', 'copNo', 'msgSeqNo'],
  CEB701Message: ['agentCode', 'copNo', 'msgSeqNo'],
};

const KINDS: Partial<Record<CebMessageType, RecordKind>> = {
  CEB311Message: 'order',
  CEB411Message: 'payment',
  CEB511Message: 'waybill',
  CEB621Message: 'inventory',
};

function recordGroup(type: CebMessageType): CebGroupDef {
  const def = CEB_MESSAGE_DEFS[type];
  const g = def.children[0];
  if (g?.kind !== 'group') throw new Error(`${type} has no record group`);
  return g;
}

function buildSpecs(): Map<CebMessageType, MessageSpec> {
  const specs = new Map<CebMessageType, MessageSpec>();
  for (const [type, keyFields] of Object.entries(KEY_FIELDS) as [CebMessageType, string[]][]) {
    const group = recordGroup(type);
    const groups = group.children.filter((c): c is CebGroupDef => c.kind === 'group');
    const head = groups.find((g) => g.maxOccurs === 1)?.name ?? null;
    const items = groups.find((g) => g.maxOccurs !== 1)?.name ?? null;
    const n = Number(type.slice(3, 6));
    specs.set(type, {
      type,
      kind: KINDS[type] ?? 'document',
      receiptType: `CEB${n + 1}Message` as CebMessageType,
      head,
      items,
      keyFields,
    });
  }
  return specs;
}

/** The messages enterprises declare through the hub (data messages towards customs), by type. */
export const MESSAGE_SPECS: ReadonlyMap<CebMessageType, MessageSpec> = buildSpecs();

/** The head of a record (the record itself for flat kinds such as CEB513). */
export function headOf(spec: MessageSpec, record: CebRecord): CebRecord {
  return spec.head ? ((record[spec.head] as CebRecord | undefined) ?? {}) : record;
}

export function itemsOf(spec: MessageSpec, record: CebRecord): CebRecord[] {
  if (!spec.items) return [];
  const v = record[spec.items];
  return Array.isArray(v) ? (v as CebRecord[]) : v ? [v as CebRecord] : [];
}

export function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function businessKey(spec: MessageSpec, head: CebRecord): string {
  return spec.keyFields.map((f) => text(head[f])).join('|');
}

/** Path of record i's head (1-based, as the codec's error paths): CEB311Message/Order[2]/OrderHead. */
export function recordPath(spec: MessageSpec, i: number): string {
  const group = recordGroup(spec.type).name;
  return `${spec.type}/${group}[${i + 1}]${spec.head ? `/${spec.head}` : ''}`;
}

/** The enterprise codes a record names, with the role each must be filed in ('无' = a foreign party on export). */
export function partyCodes(head: CebRecord): { field: string; code: string; role: FilingRole }[] {
  const out: { field: string; code: string; role: FilingRole }[] = [];
  for (const [field, role] of Object.entries(CODE_FIELD_ROLES)) {
    const code = text(head[field]).trim();
    if (code && code !== '无') out.push({ field, code, role });
  }
  return out;
}

// ---- appType rules (ceb-messages.md §2.3, §5.2 (b)(c); platform-decisions.md "Messages") --------------------

const KIND_ZH: Record<RecordKind, string> = {
  order: '订单',
  payment: '支付单',
  waybill: '运单',
  inventory: '清单',
  document: '单证',
};

export type Existing =
  | {
      appTime: string;
      status: string;
      declared: boolean;
      /** The enterprise the stored version was declared for (changes come only from it or its delegate). */
      declarer?: string;
    }
  | undefined;

export type AppTypeDecision =
  | { action: 'insert' | 'update' | 'delete' }
  | { action: 'refuse'; error: Omit<IntakeError, 'path'> };

/**
 * What a record with this appType does, given the stored version of the same key.
 * 1 新增: the key must be new. 2 变更 / 3 删除: the key must exist, the message must not be older than the stored
 * one (-xxx014 旧报文), and nothing may change once a list was declared on it (-301011).
 */
export function decideAppType(
  kind: RecordKind,
  appType: string,
  appTime: string,
  existing: Existing,
  key = '',
  type?: string,
): AppTypeDecision {
  const codes = codesOf(kind, type);
  if (appType === '1') {
    if (existing && existing.status !== 'deleted') {
      return {
        action: 'refuse',
        error: {
          code: codes.duplicate,
          message: {
            zh: `已存在相同编号的${KIND_ZH[kind]}（${key}）`,
            en: `A ${kind} with the same number exists already (${key})`,
          },
        },
      };
    }
    return existing ? { action: 'update' } : { action: 'insert' };
  }
  if (appType !== '2' && appType !== '3') {
    return {
      action: 'refuse',
      error: {
        code: '0002',
        message: { zh: `appType 应为 1、2 或 3，而不是 ${appType}`, en: `appType must be 1, 2 or 3, not ${appType}` },
      },
    };
  }
  if (!existing || existing.status === 'deleted') {
    return {
      action: 'refuse',
      error: {
        code: codes.notFound,
        message: {
          zh: `appType=${appType}，但未找到要${appType === '2' ? '变更' : '删除'}的单证`,
          en: `appType=${appType}, but there is no such document to ${appType === '2' ? 'change' : 'delete'}`,
        },
      },
    };
  }
  if (appTime < existing.appTime) {
    return {
      action: 'refuse',
      error: {
        code: codes.old,
        message: {
          zh: `接收报文为旧报文数据（appTime ${appTime} 早于已存的 ${existing.appTime}），不做处理`,
          en: `An older message (appTime ${appTime} before the stored ${existing.appTime}) is not processed`,
        },
      },
    };
  }
  if (existing.declared) {
    return {
      action: 'refuse',
      error: {
        code: codes.declared,
        message: {
          zh: '该单证已向海关申报清单，状态不符，不能变更或删除',
          en: 'A list was declared on this document: it can no longer be changed or deleted',
        },
      },
    };
  }
  return { action: appType === '2' ? 'update' : 'delete' };
}

// ---- receipts (ceb-messages.md §4) ----------------------------------------------------------------------

export const RETURN_STATUS_NAMES: Record<string, Bilingual> = {
  '1': { zh: '电子口岸已暂存', en: 'Stored (draft)' },
  '2': { zh: '电子口岸申报中', en: 'Being declared' },
  '3': { zh: '发送海关成功', en: 'Sent to customs' },
  '4': { zh: '发送海关失败', en: 'Sending to customs failed' },
  '100': { zh: '海关退单', en: 'Rejected by customs' },
  '120': { zh: '海关入库', en: 'Accepted by customs' },
  '300': { zh: '人工审核', en: 'Manual review' },
  '399': { zh: '海关审结', en: 'Concluded' },
  '500': { zh: '查验', en: 'Inspection' },
  '800': { zh: '放行', en: 'Released' },
  '899': { zh: '结关', en: 'Closed' },
};

/** The field list (in XSD order) of a receipt type's record, e.g. OrderReturn for CEB312. */
export function receiptFields(type: CebMessageType): CebNodeDef[] {
  return recordGroup(type).children;
}

/**
 * The receipt record for a data record: the receipt's fields copied from the head by name (guid, codes, numbers),
 * then the status, time and information. Optional fields the head lacks are left out; required ones become ''.
 */
export function receiptRecord(
  receiptType: CebMessageType,
  head: CebRecord,
  returnStatus: string,
  returnTime: string,
  returnInfo: string,
): CebRecord {
  const out: CebRecord = {};
  for (const f of receiptFields(receiptType)) {
    if (f.kind !== 'field') continue;
    if (f.name === 'returnStatus') out[f.name] = returnStatus;
    else if (f.name === 'returnTime') out[f.name] = returnTime;
    else if (f.name === 'returnInfo') out[f.name] = returnInfo.slice(0, 1000) || '-';
    else if (typeof head[f.name] === 'string' && head[f.name] !== '') out[f.name] = head[f.name] as string;
    else if (f.minOccurs > 0) out[f.name] = '';
  }
  return out;
}

/**
 * Whether the platform gives this message's records a pre-entry number (预录入号, preNo, 18 characters): the
 * receipt requires one and the sender may not set it (it is the data exchange's to give: -625008).
 */
export function needsPreNo(spec: MessageSpec): boolean {
  return receiptFields(spec.receiptType).some((f) => f.kind === 'field' && f.name === 'preNo' && f.minOccurs > 0);
}

/** The platform's pre-entry number: B, the Asia/Shanghai date, and a 9-digit sequence (18 characters). */
export function preNoOf(date: Date, seq: number): string {
  return `B${cebTime(date, false).slice(0, 8)}${String(seq % 1_000_000_000).padStart(9, '0')}`;
}

/** The returnInfo of the first receipt of an accepted record: 新增申报成功[guid] as in the official samples. */
export function acceptedInfo(appType: string, guid: string): string {
  const what = appType === '2' ? '变更' : appType === '3' ? '删除' : '新增';
  return `${what}申报成功[${guid}]`;
}

/** CEB time formats in Asia/Shanghai (platform-decisions.md "Money, time, codes"). */
export function cebTime(d: Date, withMillis: boolean): string {
  const t = new Date(d.getTime() + 8 * 3600_000).toISOString(); // UTC+8, no DST
  const s = t.slice(0, 4) + t.slice(5, 7) + t.slice(8, 10) + t.slice(11, 13) + t.slice(14, 16) + t.slice(17, 19);
  return withMillis ? s + t.slice(20, 23) : s;
}
