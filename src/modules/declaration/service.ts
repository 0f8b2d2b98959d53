import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { checkCustomsCode } from '../../kernel/codes/customs-code.js';
import { checkUscc } from '../../kernel/codes/uscc.js';
import { shanghaiDate } from '../../kernel/time.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import { type Database, pgCode, rowsOf, type Tx } from '../../platform/db/client.js';
import { FILING_ROLE_NAMES, type FiledParty, type FilingService } from '../filing/port.js';
import type { CebRecord } from './ceb/codec.js';
import { CEB_MESSAGE_DEFS, type CebMessageType } from './ceb/definitions.generated.js';
import { isDxpMsg } from './ceb/dxp.js';
import { importCurrencyErrors } from './currency.js';
import {
  changeAllowed,
  DECLARANTS,
  type DeclarantRule,
  declarerOf,
  declaringUnitIsPrincipal,
  type Standing,
  standingOf,
} from './declarants.js';
import {
  acceptedInfo,
  businessKey,
  cebTime,
  codesOf,
  decideAppType,
  headOf,
  type IntakeError,
  itemsOf,
  MESSAGE_SPECS,
  type MessageSpec,
  needsPreNo,
  partyCodes,
  preNoOf,
  receiptRecord,
  recordPath,
  returnInfoOf,
  text,
} from './model.js';
import { type Parsed, type ParseOutcome, parseDeclaration, UnreadableJson } from './parse.js';
import {
  documentRecordEnc,
  encodeBody,
  inventoryItemRows,
  inventoryRow,
  orderItemRows,
  orderRow,
  paymentRow,
  type Row,
  waybillRow,
} from './records.js';
import type { declReceipts } from './schema.js';
import { delegationStore, existingVersions, inventoryCopNos, declarationStore as store } from './store.js';

/** Who sends: the enterprise of the API key (or of the enterprise user, from the portal). */
export type Sender = { uscc: string; apiKeyId?: string | null; userId?: string | null };

/** The synchronous answer (CEB900 style): accepted with the platform's id, or rejected with every error. */
export type FormatReceipt = {
  messageId: string;
  guid: string | null;
  type: string;
  status: 'accepted' | 'rejected';
  returnStatus: string;
  returnTime: string;
  returnInfo: string;
  recordCount: number;
  errors: { code: string; path: string; line?: number; message: string; messageEn: string }[];
  warnings: { path: string; message: string; messageEn: string }[];
};
export type IntakeAnswer = { httpStatus: number; receipt: FormatReceipt; replay: boolean };

/**
 * Signature verification of a raw XML message against the sender's registered certificates that the zone trusts
 * (加签), at the message's signing time.
 */
export type SignatureCheck = (
  xml: Buffer,
  uscc: string,
  spec: MessageSpec,
  at: { signedAt: Date; receivedAt: Date },
) => Promise<IntakeError[]>;

/** Records just accepted, handed to listeners inside the intake transaction (clearance starts from here). */
export interface AcceptedRecords {
  kind: MessageSpec['kind'];
  type: CebMessageType;
  senderUscc: string;
  messageId: string;
  /**
   * The records' heads (plain, personal fields included) and their items, as declared, with the enterprise each is
   * declared for (the sender, or the principal whose delegate sent it).
   */
  records: { head: CebRecord; items: CebRecord[]; declarerUscc: string }[];
  at: Date;
}

/**
 * A module that acts on accepted records in the same transaction (so nothing accepted is ever missed). It must not
 * throw for business reasons: its own outcomes are receipts of its own.
 */
export interface IntakeListener {
  onAccepted(tx: Tx, accepted: AcceptedRecords): Promise<void>;
}

/** Message types whose records must be signed when declared (appStatus 2): lists, cancellations, returns, entries. */
export const SIGNED_WHEN_DECLARED: ReadonlySet<CebMessageType> = new Set([
  'CEB621Message',
  'CEB623Message',
  'CEB625Message',
  'CEB711Message',
]);

const MAX_ERRORS = 200;

/** Refusals that say the sender may not do this (HTTP 403): the connecting enterprise and the sender binding. */
const FORBIDDEN_CODES: ReadonlySet<string> = new Set(['COP_CODE', '-10103', '-10104', '-10105']);

/** The same code at the same path once (two checks may see one fault). */
function dedupe(errors: IntakeError[]): IntakeError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.code} ${e.path}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Why a code names no filed enterprise: a malformed code says what is wrong with it (-10102 无效企业代码). */
function unfiledCode(code: string, party: FiledParty | undefined): { zh: string; en: string } {
  if (party) {
    return {
      zh: `企业代码 ${code}（${party.nameCn}）的备案不在有效状态（未批准、已暂停或已撤销）`,
      en: `Enterprise code ${code} (${party.nameCn}) has no filing in force (not approved, suspended or revoked)`,
    };
  }
  const check = code.length === 18 ? checkUscc(code) : code.length === 10 ? checkCustomsCode(code) : null;
  if (check && !check.ok) {
    return {
      zh: `企业代码 ${code} 无效：${check.messageZh}`,
      en: `Enterprise code ${code} is invalid: ${check.messageEn}`,
    };
  }
  return {
    zh: `企业代码 ${code} 未在综试区备案`,
    en: `Enterprise code ${code} is not filed in this zone`,
  };
}

/**
 * When a message was signed: the latest appTime of its records (CEB 企业报送时间, Asia/Shanghai), but never later
 * than its receipt, nor more than a day before it (a signature cannot be dated back at will: no time-stamp
 * authority vouches for appTime).
 */
export function signingTimeOf(heads: CebRecord[], receivedAt: Date): Date {
  let latest = Number.NEGATIVE_INFINITY;
  for (const h of heads) {
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text(h.appTime));
    if (!m) continue;
    const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - 8 * 3600_000;
    if (t > latest) latest = t;
  }
  const now = receivedAt.getTime();
  if (!Number.isFinite(latest) || latest > now || latest < now - 24 * 3600_000) return receivedAt;
  return new Date(latest);
}

/** The bytes kept of a JSON message: its text as received when it could not be read, else the parsed value. */
function jsonRaw(body: unknown): Buffer {
  return Buffer.from(body instanceof UnreadableJson ? body.text : JSON.stringify(body));
}

/** The message type named by a body that could not be parsed (for the log): the JSON `type` or the XML root. */
function sniffType(body: unknown, contentType: 'xml' | 'json'): string {
  if (contentType === 'json') {
    const t = (body as { type?: unknown } | null)?.type;
    return typeof t === 'string' && /^CEB\d{3}Message$/.test(t) ? t : 'Unknown';
  }
  const head = Buffer.isBuffer(body) ? body.subarray(0, 4096).toString('utf8') : '';
  return /<(?:[\w.-]+:)?(CEB\d{3}Message)[\s>/]/.exec(head)?.[1] ?? 'Unknown';
}

/**
 * The stored answer to a repeated guid, saying so: nothing was done now (platform-decisions.md "Messages": a repeated
 * guid returns the first outcome and changes nothing).
 */
function replayOf(first: Omit<IntakeAnswer, 'replay'>, guid: string, receivedAt: Date): IntakeAnswer {
  const when = cebTime(receivedAt, false);
  const note = {
    path: 'guid',
    message: `重复的报文 guid ${guid}：这是 ${when} 对该 guid 的原答复，本次未作处理`,
    messageEn: `Repeated message guid ${guid}: this is the stored answer given at ${when}; nothing was done now`,
  };
  const r = first.receipt;
  return {
    ...first,
    receipt: { ...r, returnInfo: `${note.message}。${r.returnInfo}`.slice(0, 5000), warnings: [note, ...r.warnings] },
    replay: true,
  };
}

class Rejection extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errors: IntakeError[],
  ) {
    super('rejected');
  }
}

function bilingual(e: IntakeError) {
  return {
    code: e.code,
    path: e.path,
    ...(e.line ? { line: e.line } : {}),
    message: e.message.zh,
    messageEn: e.message.en,
  };
}

/**
 * The declaration hub: one authenticated entry for every CEB message, in XML, JSON or a DxpMsg envelope. Checks
 * what the data exchange and customs check before acceptance, stores accepted records normalised, keeps every
 * message (accepted or not) with its raw body, and issues the business receipts. Owns the decl_* tables.
 */
export class DeclarationService {
  constructor(
    private readonly db: Database,
    private readonly pi: PersonalInfoCipher,
    private readonly filing: FilingService,
    private readonly verifySignature: SignatureCheck,
    private readonly parser: { parse(body: Buffer | unknown, contentType: 'xml' | 'json'): Promise<ParseOutcome> } = {
      parse: async (b, t) => parseDeclaration(b, t),
    },
    private readonly options: {
      /**
       * Accept declared lists, cancellations, returns and entries in JSON, authenticated by the enterprise's API key
       * instead of an XML signature (CBEC_JSON_DECLARATIONS=accept). In connected mode the platform then signs them
       * with its own transfer-node certificate (ceb-messages.md §8). Off by default: the XSD wants a Signature.
       */
      acceptUnsignedJson?: boolean;
    } = {},
  ) {}

  private readonly listeners: IntakeListener[] = [];

  /** Registers a module to be told of accepted records (in the intake transaction). */
  addListener(listener: IntakeListener): void {
    this.listeners.push(listener);
  }

  async intake(sender: Sender, body: Buffer | unknown, contentType: 'xml' | 'json'): Promise<IntakeAnswer> {
    const messageId = randomUUID();
    const raw = contentType === 'json' ? jsonRaw(body) : (body as Buffer);
    const now = new Date();
    let parsed: Parsed | null = null;
    try {
      const outcome = await this.parser.parse(body, contentType);
      if (!outcome.ok) throw new Rejection(outcome.httpStatus, outcome.errors);
      parsed = outcome.parsed;
      const { message } = parsed;
      const guid = message.guid ?? null;
      if (guid) {
        const first = await store.messageByGuid(this.db, sender.uscc, guid);
        if (first) return replayOf(first.answer as Omit<IntakeAnswer, 'replay'>, guid, first.receivedAt);
      }
      const spec = MESSAGE_SPECS.get(message.type);
      if (!spec) {
        const fromCustoms = CEB_MESSAGE_DEFS[message.type].direction === 'fromCustoms';
        throw new Rejection(400, [
          {
            code: '0002',
            path: message.type,
            message: fromCustoms
              ? {
                  zh: `${message.type} 是海关发出的回执，企业不能申报`,
                  en: `${message.type} is a receipt sent by customs, not declared by enterprises`,
                }
              : { zh: `不接受 ${message.type}`, en: `${message.type} is not accepted here` },
          },
        ]);
      }
      const { errors, declarers } = await this.check(sender, parsed, spec, now);
      if (errors.length) throw new Rejection(errors.some((e) => FORBIDDEN_CODES.has(e.code)) ? 403 : 422, errors);
      return await this.accept(messageId, sender, parsed, spec, raw, now, declarers);
    } catch (e) {
      if (!(e instanceof Rejection)) throw e;
      const m = parsed?.message;
      const type = m?.type ?? sniffType(body, contentType);
      const answer: Omit<IntakeAnswer, 'replay'> = {
        httpStatus: e.httpStatus,
        receipt: {
          messageId,
          guid: m?.guid ?? null,
          type,
          status: 'rejected',
          returnStatus: e.errors[0]?.code.startsWith('-')
            ? (e.errors[0]?.code as string)
            : `-${e.errors[0]?.code ?? '0999'}`,
          returnTime: cebTime(now, true),
          returnInfo: e.errors.slice(0, 20).map(returnInfoOf).join('；').slice(0, 5000),
          recordCount: m?.records.length ?? 0,
          errors: e.errors.slice(0, MAX_ERRORS).map(bilingual),
          warnings: parsed?.warnings ?? [],
        },
      };
      // Refused messages are logged with what could be read of them: type, format and business keys.
      const spec = m ? MESSAGE_SPECS.get(m.type) : undefined;
      const keys = m && spec ? m.records.map((r) => businessKey(spec, headOf(spec, r))) : [];
      const format = parsed?.format ?? (contentType === 'xml' && isDxpMsg(raw) ? 'dxp' : contentType);
      await this.saveMessage(this.db, messageId, sender, parsed, raw, format, answer, now, keys, e.errors, type);
      return { ...answer, replay: false };
    }
  }

  /**
   * Every check before acceptance; returns every error found (not only the first) and, for each record, the
   * enterprise it is declared for (the sender, or the principal a delegate sends it for).
   */
  private async check(
    sender: Sender,
    parsed: Parsed,
    spec: MessageSpec,
    now: Date,
  ): Promise<{ errors: IntakeError[]; declarers: string[] }> {
    const { message } = parsed;
    const errors: IntakeError[] = [];
    const heads = message.records.map((r) => headOf(spec, r));
    const refused = (errs: IntakeError[]) => ({ errors: errs, declarers: [] });

    // BaseTransfer.copCode must be the connecting enterprise (ceb-messages.md §2.2, §9).
    const copCode = text(message.baseTransfer?.copCode).trim();
    const codes = heads.flatMap((h) => partyCodes(h).map((p) => p.code));
    const parties = await this.filing.resolveCodes([copCode, sender.uscc, ...codes]);
    const senderParty = parties.get(copCode);
    if (!senderParty || senderParty.uscc !== sender.uscc) {
      return refused([
        {
          code: 'COP_CODE',
          path: `${message.type}/BaseTransfer/copCode`,
          message: {
            zh: `传输企业代码 ${copCode} 与接入企业 ${sender.uscc} 不一致`,
            en: `The transmitting enterprise code ${copCode} is not the connecting enterprise ${sender.uscc}`,
          },
        },
      ]);
    }
    if (!senderParty.filed) {
      return refused([
        {
          code: '-10102',
          path: `${message.type}/BaseTransfer/copCode`,
          message: {
            zh: '传输企业未备案或备案已暂停/撤销',
            en: 'The transmitting enterprise is not filed, or its filing is suspended or revoked',
          },
        },
      ]);
    }

    // Signatures (加签): required by the enterprise, or for declared lists, cancellations, returns and entries.
    const declared = heads.some((h) => text(h.appStatus) === '2');
    const jsonByKey = !parsed.xml && this.options.acceptUnsignedJson === true;
    const mustSign = senderParty.requireSignature || (SIGNED_WHEN_DECLARED.has(spec.type) && declared && !jsonByKey);
    if (message.signature || mustSign) {
      const sigCode = spec.type === 'CEB621Message' ? '-621029' : spec.type === 'CEB623Message' ? '-623029' : '1001';
      if (!parsed.xml) {
        errors.push({
          code: sigCode,
          path: `${message.type}/Signature`,
          message: {
            zh: '此报文须加签，请以签名的 XML 报送',
            en: 'This message must be signed: send it as signed XML',
          },
        });
      } else if (!message.signature) {
        errors.push({
          code: sigCode,
          path: `${message.type}/Signature`,
          message: { zh: '此报文须加签，但没有签名', en: 'This message must be signed but carries no signature' },
        });
      } else {
        errors.push(
          ...(await this.verifySignature(parsed.xml, sender.uscc, spec, {
            signedAt: signingTimeOf(heads, now),
            receivedAt: now,
          })),
        );
      }
    }

    // Every enterprise code filed, in the role it is used in (-10101 无效企业类型 / -10102 无效企业代码).
    const rule = DECLARANTS[spec.type];
    heads.forEach((h, i) => {
      for (const p of partyCodes(h)) {
        const party: FiledParty | undefined = parties.get(p.code);
        const path = `${recordPath(spec, i)}/${p.field}`;
        if (!party?.filed) {
          errors.push({ code: '-10102', path, message: unfiledCode(p.code, party) });
        } else if (
          !party.roles.includes(p.role) &&
          !(p.field === rule?.declaringUnit && declaringUnitIsPrincipal(rule, h, parties))
        ) {
          const role = FILING_ROLE_NAMES[p.role];
          errors.push({
            code: '-10101',
            path,
            message: {
              zh: `企业 ${p.code}（${party.nameCn}）未备案为${role.zh}（${p.role}），不能填在 ${p.field}`,
              en: `Enterprise ${p.code} (${party.nameCn}) is not filed as ${role.en.toLowerCase()} (${p.role}): it cannot stand in ${p.field}`,
            },
          });
        }
      }
    });
    // Import currencies are 142 (RMB): currency.ts
    errors.push(
      ...importCurrencyErrors(
        spec,
        heads,
        message.records.map((r) => itemsOf(spec, r)),
      ),
    );

    // The guarantor of a list's tax (担保扣税的企业) is only its declaring unit, its e-commerce enterprise or its
    // logistics enterprise (CEB621 assureCode, XSD annotation): no list charges its tax to anybody else.
    if (spec.type === 'CEB621Message') {
      heads.forEach((h, i) => {
        const assure = parties.get(text(h.assureCode).trim());
        if (!assure?.filed) return; // reported above (-10102)
        const allowed = ['agentCode', 'ebcCode', 'logisticsCode'].some(
          (f) => parties.get(text(h[f]).trim())?.uscc === assure.uscc,
        );
        if (!allowed) {
          errors.push({
            code: '-10101',
            path: `${recordPath(spec, i)}/assureCode`,
            message: {
              zh: `担保企业 ${text(h.assureCode)}（${assure.nameCn}）只限清单的申报企业、电商企业或物流企业`,
              en: `The guarantor ${text(h.assureCode)} (${assure.nameCn}) may only be the list's declaring unit, e-commerce enterprise or logistics enterprise`,
            },
          });
        }
      });
    }

    // The sender is the record's declarant, filed in that role, or its recorded delegate (委托).
    const standings: (Standing | null)[] = rule
      ? await this.standings(sender.uscc, spec.type, rule, heads, parties, now)
      : heads.map(() => null);
    standings.forEach((st, i) => {
      if (st && !st.ok) errors.push({ ...st.error, path: `${recordPath(spec, i)}/${st.error.field}` });
    });
    /** Records whose sender may not declare them: nothing more is said of them (not even whether they exist). */
    const bound = (i: number) => standings[i]?.ok !== false;

    // Business keys present; items numbered once; keys once per message.
    const codes0 = codesOf(spec.kind, spec.type);
    const seen = new Map<string, number>();
    heads.forEach((h, i) => {
      for (const f of spec.keyFields) {
        if (!text(h[f]).trim()) {
          errors.push({
            code: '0002',
            path: `${recordPath(spec, i)}/${f}`,
            message: { zh: `业务编号 ${f} 不能为空`, en: `The business key ${f} must not be empty` },
          });
        }
      }
      const key = businessKey(spec, h);
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          code: codes0.duplicate,
          path: recordPath(spec, i),
          message: {
            zh: `与本报文第 ${first + 1} 条单证编号重复`,
            en: `Same business key as record ${first + 1} of this message`,
          },
        });
      } else seen.set(key, i);
      const gnums = new Set<string>();
      for (const item of itemsOf(spec, message.records[i] as CebRecord)) {
        const g = text(item.gnum);
        if (g === '') continue; // items without a gnum (CEB701's list of invtNo)
        if (gnums.has(g)) {
          errors.push({
            code: spec.kind === 'order' ? '-301002' : spec.kind === 'inventory' ? '-621027' : '0002',
            path: `${recordPath(spec, i).replace(/\/[A-Za-z]+Head$/, '')}/${spec.items}`,
            message: { zh: `商品序号 gnum ${g} 重复`, en: `Item number gnum ${g} is repeated` },
          });
        }
        gnums.add(g);
      }
    });

    // appType semantics against stored versions: duplicates, not found, old messages, changes after declaration;
    // a change or deletion only from the original declarer or its delegate.
    const declarers = heads.map((_, i) => {
      const st = standings[i];
      return st?.ok ? declarerOf(st) : sender.uscc;
    });
    const keys = [...new Set(heads.filter((_, i) => bound(i)).map((h) => businessKey(spec, h)))];
    const existing = await existingVersions(this.db, spec.kind, spec.type, keys);
    heads.forEach((h, i) => {
      if (!bound(i)) return;
      const stored = existing.get(businessKey(spec, h));
      const d = decideAppType(
        spec.kind,
        text(h.appType),
        text(h.appTime),
        stored,
        spec.keyFields.map((f) => `${f} ${text(h[f])}`).join(', '),
        spec.type,
      );
      if (d.action === 'refuse') {
        errors.push({ ...d.error, path: `${recordPath(spec, i)}/appType` });
        return;
      }
      const st = standings[i];
      if ((d.action === 'update' || d.action === 'delete') && stored && stored.status !== 'deleted' && st?.ok) {
        const storedDeclarer = stored.declarer ?? '';
        const allowed = changeAllowed(st, storedDeclarer);
        if (!allowed.ok) errors.push({ ...allowed.error, path: `${recordPath(spec, i)}/appType` });
        else declarers[i] = storedDeclarer;
      }
    });
    if (spec.kind === 'inventory') {
      const cop = await inventoryCopNos(
        this.db,
        heads.filter((_, i) => bound(i)).map((h) => `${text(h.agentCode)}|${text(h.copNo)}`),
      );
      heads.forEach((h, i) => {
        const other = bound(i) ? cop.get(`${text(h.agentCode)}|${text(h.copNo)}`) : undefined;
        if (other && other !== businessKey(spec, h)) {
          errors.push({
            code: '-621004',
            path: `${recordPath(spec, i)}/copNo`,
            message: {
              zh: `企业内部编号 ${text(h.copNo)} 已用于另一张清单`,
              en: `copNo ${text(h.copNo)} is already used by another list`,
            },
          });
        }
      });
    }
    return { errors: dedupe(errors).slice(0, MAX_ERRORS), declarers };
  }

  /** Each record's standing, with the delegations to the sender looked up once for the whole message. */
  private async standings(
    senderUscc: string,
    type: CebMessageType,
    rule: DeclarantRule,
    heads: CebRecord[],
    parties: ReadonlyMap<string, FiledParty>,
    now: Date,
  ): Promise<Standing[]> {
    const principals = new Set<string>();
    if (rule.delegableTo.length) {
      for (const h of heads) {
        for (const p of rule.principals) {
          const party = parties.get(text(h[p.field]).trim());
          if (party && party.uscc !== senderUscc) principals.add(party.uscc);
        }
      }
    }
    const delegators = principals.size
      ? await delegationStore.delegators(this.db, senderUscc, type, [...principals], shanghaiDate(now))
      : new Set<string>();
    return heads.map((h) => standingOf(type, rule, h, { uscc: senderUscc, parties, delegators }));
  }

  /** Stores the message and its records and issues the receipts, all in one transaction. */
  private async accept(
    messageId: string,
    sender: Sender,
    parsed: Parsed,
    spec: MessageSpec,
    raw: Buffer,
    now: Date,
    declarers: string[],
  ): Promise<IntakeAnswer> {
    const { message } = parsed;
    const returnTime = cebTime(now, true);
    const answer: Omit<IntakeAnswer, 'replay'> = {
      httpStatus: 200,
      receipt: {
        messageId,
        guid: message.guid ?? null,
        type: message.type,
        status: 'accepted',
        returnStatus: '2',
        returnTime,
        returnInfo: `报文已接收，共 ${message.records.length} 条 [${messageId}] / accepted, ${message.records.length} record(s)`,
        recordCount: message.records.length,
        errors: [],
        warnings: parsed.warnings,
      },
    };
    const heads = message.records.map((r) => headOf(spec, r));
    const signed = !!message.signature;
    try {
      // A deadlock or serialization failure with the clearance worker (it locks lists, then writes their records;
      // intake writes records, then registers lists) is retried: PostgreSQL aborted this transaction, nothing stays.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.acceptTx(messageId, sender, parsed, spec, raw, now, answer, heads, signed, declarers);
          break;
        } catch (e) {
          const code = pgCode(e);
          if ((code === '40P01' || code === '40001') && attempt < 4) continue;
          throw e;
        }
      }
    } catch (e) {
      // A concurrent message took a key between the check and the write: refuse like any duplicate.
      if (pgCode(e) === '23505') return this.intakeConflict(messageId, sender, parsed, spec, raw, now);
      throw e;
    }
    return { ...answer, replay: false };
  }

  private async acceptTx(
    messageId: string,
    sender: Sender,
    parsed: Parsed,
    spec: MessageSpec,
    raw: Buffer,
    now: Date,
    answer: Omit<IntakeAnswer, 'replay'>,
    heads: CebRecord[],
    signed: boolean,
    declarers: string[],
  ): Promise<void> {
    const { message } = parsed;
    const returnTime = answer.receipt.returnTime;
    await this.db.transaction(async (tx) => {
      // The platform gives lists and other declarations their pre-entry number (预录入号) when the sender has none.
      if (needsPreNo(spec)) {
        const missing = heads.filter((h) => !text(h.preNo));
        if (missing.length) {
          const seqs = rowsOf<{ n: string }>(
            await tx.execute(
              sql`select nextval('decl_pre_no_seq')::text as n from generate_series(1, ${missing.length})`,
            ),
          );
          missing.forEach((h, i) => {
            h.preNo = preNoOf(now, Number(seqs[i]?.n));
          });
        }
      }
      await this.saveMessage(
        tx,
        messageId,
        sender,
        parsed,
        raw,
        parsed.format,
        answer,
        now,
        heads.map((h) => businessKey(spec, h)),
        [],
      );
      await this.writeRecords(tx, messageId, spec, message.records, signed, declarers);
      // The receipt goes to the sender and, when a delegate sent the record, to the enterprise it was declared for.
      const receipts: (typeof declReceipts.$inferInsert)[] = heads.flatMap((h, i) => {
        const info = acceptedInfo(text(h.appType), text(h.guid) || (message.guid ?? ''));
        const record = receiptRecord(spec.receiptType, h, '2', returnTime, info);
        return [...new Set([sender.uscc, declarers[i] ?? sender.uscc])].map((recipientUscc) => ({
          recipientUscc,
          messageId,
          type: spec.receiptType,
          businessKey: businessKey(spec, h),
          returnStatus: '2',
          returnTime,
          returnInfo: info,
          record,
        }));
      });
      await store.addReceipts(tx, receipts);
      if (this.listeners.length) {
        const accepted: AcceptedRecords = {
          kind: spec.kind,
          type: spec.type,
          senderUscc: sender.uscc,
          messageId,
          records: message.records.map((r, i) => ({
            head: heads[i] as CebRecord,
            items: itemsOf(spec, r),
            declarerUscc: declarers[i] ?? sender.uscc,
          })),
          at: now,
        };
        for (const l of this.listeners) await l.onAccepted(tx, accepted);
      }
    });
  }

  private async intakeConflict(
    messageId: string,
    sender: Sender,
    parsed: Parsed,
    spec: MessageSpec,
    raw: Buffer,
    now: Date,
  ): Promise<IntakeAnswer> {
    const errors: IntakeError[] = [
      {
        code: codesOf(spec.kind, spec.type).duplicate,
        path: parsed.message.type,
        message: {
          zh: '单证编号已被同时到达的另一报文使用',
          en: 'A business key was taken by another message arriving at the same time',
        },
      },
    ];
    const answer: Omit<IntakeAnswer, 'replay'> = {
      httpStatus: 409,
      receipt: {
        messageId,
        guid: parsed.message.guid ?? null,
        type: parsed.message.type,
        status: 'rejected',
        returnStatus: errors[0]!.code,
        returnTime: cebTime(now, true),
        returnInfo: errors.map(returnInfoOf).join('；'),
        recordCount: parsed.message.records.length,
        errors: errors.map(bilingual),
        warnings: parsed.warnings,
      },
    };
    await this.saveMessage(this.db, messageId, sender, parsed, raw, parsed.format, answer, now, [], errors);
    return { ...answer, replay: false };
  }

  private async writeRecords(
    tx: Tx,
    messageId: string,
    spec: MessageSpec,
    records: CebRecord[],
    signed: boolean,
    declarers: string[],
  ): Promise<void> {
    const pi = this.pi;
    const at = new Map(records.map((r, i) => [r, declarers[i] as string]));
    const withMeta = (row: Row, head: CebRecord, record: CebRecord) => ({
      ...row,
      id: randomUUID(),
      messageId,
      declarerUscc: at.get(record),
      status: text(head.appType) === '3' ? 'deleted' : '2',
      updatedAt: new Date(),
    });
    switch (spec.kind) {
      case 'order':
        return store.upsertOrders(
          tx,
          records.map((r) => {
            const h = headOf(spec, r);
            return { row: withMeta(orderRow(pi, h), h, r), items: orderItemRows(spec, r) };
          }),
        );
      case 'payment':
        return store.upsertPayments(
          tx,
          records.map((r) => withMeta(paymentRow(pi, headOf(spec, r)), headOf(spec, r), r)),
        );
      case 'waybill':
        return store.upsertWaybills(
          tx,
          records.map((r) => withMeta(waybillRow(pi, headOf(spec, r)), headOf(spec, r), r)),
        );
      case 'inventory':
        return store.upsertInventories(
          tx,
          records.map((r) => {
            const h = headOf(spec, r);
            return { row: withMeta(inventoryRow(pi, h, signed), h, r), items: inventoryItemRows(spec, r) };
          }),
        );
      default:
        return store.upsertDocuments(
          tx,
          records.map((r) => {
            const h = headOf(spec, r);
            return {
              id: randomUUID(),
              messageId,
              declarerUscc: at.get(r) as string,
              type: spec.type,
              businessKey: businessKey(spec, h),
              appType: text(h.appType) || null,
              appTime: text(h.appTime) || null,
              status: text(h.appType) === '3' ? 'deleted' : '2',
              recordEnc: documentRecordEnc(pi, spec, r),
              updatedAt: new Date(),
            };
          }),
        );
    }
  }

  private async saveMessage(
    q: Database | Tx,
    id: string,
    sender: Sender,
    parsed: Parsed | null,
    raw: Buffer,
    format: string,
    answer: Omit<IntakeAnswer, 'replay'>,
    now: Date,
    keys: string[],
    errors: IntakeError[],
    sniffedType?: string,
  ): Promise<void> {
    const m = parsed?.message;
    // A rejected message whose guid was already used by this sender is kept without its guid (the first answer stands).
    let guid = m?.guid ?? null;
    if (guid && answer.receipt.status === 'rejected' && (await store.messageByGuid(q, sender.uscc, guid))) guid = null;
    await store.insertMessage(q, {
      id,
      guid,
      type: m?.type ?? sniffedType ?? 'Unknown',
      senderUscc: sender.uscc,
      apiKeyId: sender.apiKeyId ?? null,
      userId: sender.userId ?? null,
      format,
      status: answer.receipt.status,
      recordCount: m?.records.length ?? 0,
      businessKeys: [...new Set(keys.flatMap((k) => k.split('|')).filter(Boolean))],
      errors: errors.length ? errors.map(bilingual) : null,
      warnings: parsed?.warnings.length ? parsed.warnings : null,
      answer,
      bodyEnc: encodeBody(this.pi, raw),
      bodySha256: createHash('sha256').update(raw).digest('hex'),
      bodySize: raw.length,
      receivedAt: now,
    });
  }

  // ---- queries ------------------------------------------------------------------------------------------

  listMessages = (f: Parameters<typeof store.listMessages>[1]) => store.listMessages(this.db, f);

  async messageDetail(uscc: string | null, id: string) {
    const m = await store.message(this.db, id);
    if (!m || (uscc !== null && m.senderUscc !== uscc)) return null;
    const receipts = await store.receiptsOfMessage(this.db, id);
    return { message: m, receipts };
  }

  receiptsAfter = (uscc: string, after: number, limit: number) => store.receiptsAfter(this.db, uscc, after, limit);
}
