/**
 * The import clearance engine (emulated mode: the platform decides). Lists declared through the hub wait for their
 * order, payment and waybill, are matched, assessed, sampled and decided in batches by a worker; each decision
 * issues the official receipts (CEB622 120 → 300/500 or 399 → 800; 312/412/512 120; CEB816 tax bill) through the
 * declaration hub, and is recorded with its rules, table versions and seed. Officers settle reviews and
 * inspections; cancellations (CEB623), returns (CEB625) and arrivals (CEB711) change released lists.
 * Owns the clr_* tables and the quota ledger.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { Decimal } from '../../kernel/money.js';
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import { insertJsonRows } from '../../platform/db/bulk.js';
import type { Database, Queryable, Tx } from '../../platform/db/client.js';
import { pgCode, rowsOf } from '../../platform/db/client.js';
import { Backoff, isDatabaseUnavailable } from '../../platform/db/outage.js';
import { AppError } from '../../platform/http/errors.js';
import {
  type AcceptedRecords,
  cebTime,
  type IntakeListener,
  isBuyerOfDeclaredOrder,
  issueReceipts,
  type ListWithDocuments,
  listKeyOf,
  listsWithDocuments,
  personHash,
  type ReceiptToIssue,
  receiptRecord,
  setInventoryNumbers,
  setRecordStatuses,
  text,
} from '../declaration/port.js';
import type { FilingService } from '../filing/port.js';
import { addDays, shanghaiDate } from './dates.js';
import {
  type CreditLevel,
  type Decision,
  type DecisionReason,
  decideList,
  isoOfCustomsCurrency,
  RULES_VERSION,
  reasonsInfo,
} from './engine.js';
import { policyOn, RETAIL_IMPORT_POLICIES, RETURN_WINDOW } from './limits.js';
import { QuotaLedger } from './quota.js';
import {
  type AttestedConsent,
  checkConsentTime,
  DEFAULT_QUOTA_CHECK_LIMITS,
  minuteWindow,
  type QuotaAnswer,
  type QuotaBasis,
  type QuotaCheckLimits,
  QuotaCheckThrottled,
  quotaAnswer,
  retryAfterSeconds,
  sameConsent,
  shanghaiDayWindow,
} from './quota-check.js';
import { clrReturns, clrTaxBills } from './schema.js';
import { type ListRow, mapListRow, clearanceStore as store } from './store.js';
import { type ClearanceTables, groupBy } from './tables.js';
import {
  byItemRecord,
  daysAfter,
  type ListView,
  listHeadOf,
  listView,
  taxBillRecord,
  taxBillView,
  toEngineDocuments,
} from './views.js';

export interface CreditLookup {
  levelsOn(usccs: string[], on: string, q?: Queryable): Promise<Map<string, CreditLevel>>;
}
export interface TablesSource {
  current(): { tables: ClearanceTables; sample: boolean; versions: Record<string, unknown> };
  /** The tables of recorded versions (by kind → version id), to replay a decision. */
  versionTables(ids: Record<string, string>): Promise<ClearanceTables>;
  /** Picks up versions another process imported. */
  refreshIfChanged?(): Promise<boolean>;
}

export interface ClearanceOptions {
  /** How long a list waits for its documents before it is rejected. */
  matchTimeoutMs: number;
  /** Inspection share of lists of a general (常规) enterprise. */
  inspectionBaseRate: Decimal;
  amountTolerance: Decimal;
  /** Lists decided per transaction. */
  batchSize?: number;
  /** The time (tests move it to check the 30/45-day windows). */
  clock?: () => Date;
  /** Buyer quota pre-checks allowed per enterprise per minute and per enterprise and buyer per day. */
  quotaChecks?: QuotaCheckLimits;
  /** Where the background worker reports a failed batch (pino). */
  log?: { error(obj: object, msg: string): void; warn?(obj: object, msg: string): void };
}

/** The audit action of a quota pre-check (its domain: src/platform/audit/domains.ts). */
export const QUOTA_CHECK_ACTION = 'clearance.quota-checked';

export type QuotaCheckInput = {
  buyerName: string;
  buyerIdType: string;
  buyerIdNumber: string;
  amount?: string;
  consent?: AttestedConsent;
};

/** Status names shown to people (the receipts speak codes). */
export const LIST_STATUSES = [
  'waiting',
  'review',
  'inspection',
  'released',
  'closed',
  'rejected',
  'cancelled',
  'withdrawn',
] as const;

type Pending = {
  taxBills: Record<string, unknown>[];
  receipts: ReceiptToIssue[];
  events: { listId: string; kind: string; returnStatus: string | null; actor: string; detail: unknown; at: Date }[];
  updates: Record<string, unknown>[];
  statuses: { kind: 'inventory' | 'order' | 'payment' | 'waybill'; id: string; status: string }[];
};

const newPending = (): Pending => ({ taxBills: [], receipts: [], events: [], updates: [], statuses: [] });

export class ClearanceService implements IntakeListener {
  readonly quota: QuotaLedger;
  private readonly clock: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private kicked = false;
  private tablesCheckedAt = 0;
  /** Rounds that failed (the database is down): the worker waits longer before each next one. */
  private readonly backoff = new Backoff();

  constructor(
    private readonly db: Database,
    private readonly pi: PersonalInfoCipher,
    private readonly filing: FilingService,
    private readonly credit: CreditLookup,
    private readonly tables: TablesSource,
    private readonly audit: AuditTrail,
    private readonly opts: ClearanceOptions,
  ) {
    this.quota = new QuotaLedger(db);
    this.clock = opts.clock ?? (() => new Date());
  }

  // ---- intake: what arrives through the hub -------------------------------------------------------------

  async onAccepted(tx: Tx, acc: AcceptedRecords): Promise<void> {
    const now = this.clock();
    const declared = acc.records.filter((r) => text(r.head.appStatus) === '2' || acc.kind !== 'inventory');
    switch (acc.kind) {
      case 'inventory': {
        const live = declared.filter((r) => text(r.head.appType) !== '3');
        // deleted, or changed back to a draft (appStatus 1): the waiting list is withdrawn
        const deleted = acc.records.filter(
          (r) => text(r.head.appType) === '3' || (text(r.head.appType) === '2' && text(r.head.appStatus) !== '2'),
        );
        await store.withdrawLists(
          tx,
          deleted.map((r) => ({ ebp: text(r.head.ebpCode), ebc: text(r.head.ebcCode), order: text(r.head.orderNo) })),
        );
        await store.registerLists(
          tx,
          live.map(({ head: h, declarerUscc }) => ({
            id: randomUUID(),
            ebp_code: text(h.ebpCode),
            ebc_code: text(h.ebcCode),
            order_no: text(h.orderNo),
            agent_code: text(h.agentCode),
            cop_no: text(h.copNo),
            pre_no: text(h.preNo) || null,
            logistics_code: text(h.logisticsCode),
            logistics_no: text(h.logisticsNo),
            assure_code: text(h.assureCode),
            area_code: text(h.areaCode) || null,
            trade_mode: text(h.tradeMode),
            customs_code: text(h.customsCode),
            agent_uscc: acc.senderUscc,
            declarer_uscc: declarerUscc,
            buyer_hash: personHash(this.pi, h.buyerName, h.buyerIdType, h.buyerIdNumber),
            check_at: now.toISOString(),
            wait_deadline: new Date(now.getTime() + this.opts.matchTimeoutMs).toISOString(),
            declared_on: shanghaiDate(now),
          })),
        );
        break;
      }
      case 'order':
        await store.touchWaiting(
          tx,
          'order',
          declared.map(({ head: h }) => ({ a: text(h.ebpCode), b: text(h.ebcCode), c: text(h.orderNo) })),
          now,
        );
        break;
      case 'payment':
        await store.touchWaiting(
          tx,
          'payment',
          declared.map(({ head: h }) => ({ a: text(h.ebpCode), b: text(h.orderNo) })),
          now,
        );
        break;
      case 'waybill':
        await store.touchWaiting(
          tx,
          'waybill',
          declared.map(({ head: h }) => ({ a: text(h.logisticsCode), b: text(h.logisticsNo) })),
          now,
        );
        break;
      default:
        if (acc.type === 'CEB623Message') await this.onCancellations(tx, acc, now);
        else if (acc.type === 'CEB625Message') await this.onReturns(tx, acc, now);
        else if (acc.type === 'CEB711Message') await this.onDeliveries(tx, acc, now);
    }
    this.kick();
  }

  // ---- the worker ------------------------------------------------------------------------------------------

  /** Starts deciding in the background (every `intervalMs`, and soon after each intake). */
  start(intervalMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private kick(): void {
    if (!this.timer || !this.backoff.ready()) return;
    if (this.running) {
      this.kicked = true;
      return;
    }
    this.running = (async () => {
      try {
        if (Date.now() - this.tablesCheckedAt > 5_000) {
          this.tablesCheckedAt = Date.now();
          await this.tables.refreshIfChanged?.();
        }
        do {
          this.kicked = false;
          while ((await this.processDue()) > 0) {}
          await this.sweep();
        } while (this.kicked);
        this.backoff.succeeded();
      } catch (e) {
        // a failed batch is retried after a back-off: its transaction rolled back, nothing was lost
        const retryInMs = this.backoff.failed();
        if (isDatabaseUnavailable(e)) {
          this.opts.log?.warn?.(
            { err: String((e as Error)?.message ?? e), retryInMs },
            'clearance worker: database unavailable',
          );
        } else {
          this.opts.log?.error(
            { err: String((e as Error)?.stack ?? e), retryInMs },
            'clearance worker: batch failed, retried',
          );
        }
      } finally {
        this.running = null;
      }
    })();
  }

  /** Decides until nothing is due (tests and the CLI; the worker does the same in the background). */
  async drain(): Promise<void> {
    while ((await this.processDue()) > 0) {}
    await this.sweep();
  }

  /** Decides one batch of due lists in one transaction; returns how many were looked at. */
  async processDue(): Promise<number> {
    const now = this.clock();
    return this.db.transaction(async (tx) => {
      const due = await store.dueLists(tx, now, this.opts.batchSize ?? 500);
      if (!due.length) return 0;
      await this.decideBatch(tx, due, now);
      return due.length;
    });
  }

  /** Rejects lists that waited too long; marks returns whose goods did not come back in time. */
  async sweep(): Promise<void> {
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      const overdue = await store.overdueLists(tx, now, 1000);
      if (overdue.length) {
        const p = newPending();
        const docs = await listsWithDocuments(tx, this.pi, overdue);
        for (const list of overdue) {
          const missing = ((list.decision as { missing?: string[] } | null)?.missing ?? []) as string[];
          const names = missing.map((m) => MISSING_NAMES[m as keyof typeof MISSING_NAMES] ?? { zh: m, en: m });
          const reason: DecisionReason = {
            code: 'MATCH_TIMEOUT',
            rule: 'match:timeout',
            message: {
              zh: `等待${names.map((n) => n.zh).join('、') || '单证'}超时（${Math.round(this.opts.matchTimeoutMs / 60000)} 分钟），清单退单`,
              en: `Timed out waiting for the ${names.map((n) => n.en).join(', ') || 'documents'} (${Math.round(this.opts.matchTimeoutMs / 60000)} min): list rejected`,
            },
          };
          this.reject(p, list, docs.get(listKeyOf(list)) ?? null, 'timeout', [reason], now, 'engine', {});
        }
        await this.flush(tx, p);
      }
      // Returns whose goods did not arrive within the window: neither refund nor quota (checked once, recorded).
      const late = rowsOf<{ id: string; list_id: string }>(
        await tx.execute(sql`update clr_returns r set status = 'late', updated_at = now()
          from clr_lists l where r.list_id = l.id and r.status = 'applied'
            and l.released_at + make_interval(days => ${RETURN_WINDOW.arriveWithinDays + 1}) <= ${now.toISOString()}::timestamptz
          returning r.id, r.list_id`),
      );
      if (late.length) {
        await store.addEvents(
          tx,
          late.map((r) => ({
            listId: r.list_id,
            kind: 'return-late',
            returnStatus: null,
            actor: 'engine',
            detail: { returnId: r.id, window: RETURN_WINDOW },
            at: now,
          })),
        );
      }
    });
  }

  // ---- deciding -------------------------------------------------------------------------------------------

  private async decideBatch(tx: Tx, lists: ListRow[], now: Date): Promise<void> {
    const docs = await listsWithDocuments(tx, this.pi, lists);
    const { tables, versions, sample } = this.tables.current();
    const p = newPending();

    // Everything the decisions read, for the whole batch at once: quota used, credit, bonded stock.
    const years = new Map(lists.map((l) => [l.id, Number(l.declaredOn.slice(0, 4))]));
    const used = await store.quotaUsed(
      tx,
      lists.map((l) => ({ buyer: l.buyerHash, year: years.get(l.id)! })),
    );
    const parties = await this.filing.resolveCodes(
      lists.flatMap((l) => [l.ebcCode, l.assureCode]),
      tx,
    );
    const levels = new Map<string, CreditLevel>();
    for (const [on, group] of groupBy(lists, (l) => l.declaredOn)) {
      const usccs = [...new Set(group.map((l) => parties.get(l.ebcCode)?.uscc).filter((u): u is string => !!u))];
      const found = await this.credit.levelsOn(usccs, on, tx);
      for (const l of group) levels.set(l.id, found.get(parties.get(l.ebcCode)?.uscc ?? '') ?? 'general');
    }
    const bonded = lists.filter((l) => l.tradeMode === '1210' && l.areaCode);
    const stockKeys = bonded.flatMap((l) =>
      (docs.get(listKeyOf(l))?.inventory.items ?? [])
        .filter((i) => i.itemRecordNo)
        .map((i) => ({ area: l.areaCode as string, item: i.itemRecordNo as string })),
    );
    const stock = await store.stock(tx, stockKeys);

    const entered: { list: ListRow; d: ListWithDocuments }[] = [];
    for (const list of lists) {
      const d = docs.get(listKeyOf(list));
      if (!d) {
        // the declaration was deleted meanwhile
        p.updates.push({ id: list.id, status: 'withdrawn', return_status: list.returnStatus, check_at: null });
        continue;
      }
      const seed = randomBytes(16).toString('hex');
      const level = levels.get(list.id) ?? 'general';
      const usedThisYear = used.get(`${list.buyerHash}|${years.get(list.id)}`) ?? Decimal.ZERO;
      const areaStock = new Map<string, Decimal>();
      if (list.areaCode) {
        for (const i of d.inventory.items) {
          const k = i.itemRecordNo;
          if (k) areaStock.set(k, stock.get(`${list.areaCode}|${k}`) ?? Decimal.ZERO);
        }
      }
      const decide = () =>
        decideList(toEngineDocuments(d), {
          tables,
          on: list.declaredOn,
          usedThisYear,
          creditLevel: level,
          sampling: { baseRate: this.opts.inspectionBaseRate },
          seed,
          stock: areaStock,
          isoCurrency: isoOfCustomsCurrency,
          amountTolerance: this.opts.amountTolerance,
        });
      let decision: Decision;
      try {
        decision = decide();
      } catch (e) {
        // data the engine cannot read (it passed the hub's checks) is refused with the reason, never retried forever
        decision = {
          outcome: 'rejected',
          stage: 'assessment',
          rulesVersion: RULES_VERSION,
          reasons: [
            {
              code: 'UNREADABLE_DATA',
              rule: 'engine',
              message: {
                zh: `清单数据无法计算：${(e as Error).message}`,
                en: `The list's data cannot be assessed: ${(e as Error).message}`,
              },
            },
          ],
        };
      }
      const evidence = {
        rulesVersion: decision.rulesVersion,
        tables: versions,
        tablesAreSample: sample,
        on: list.declaredOn,
        creditLevel: level,
        usedThisYear: usedThisYear.toFixed(2),
        inspectionBaseRate: this.opts.inspectionBaseRate.toString(),
        amountTolerance: this.opts.amountTolerance.toString(),
        ...(areaStock.size ? { stock: Object.fromEntries([...areaStock].map(([k, v]) => [k, v.toString()])) } : {}),
        seed,
      };
      if (decision.outcome === 'waiting') {
        const first = list.decision === null;
        p.updates.push({
          id: list.id,
          inventory_id: d.inventory.id,
          status: 'waiting',
          return_status: list.returnStatus,
          check_at: null,
          decision: { outcome: 'waiting', missing: decision.missing },
        });
        if (first) {
          p.events.push({
            listId: list.id,
            kind: 'waiting',
            returnStatus: null,
            actor: 'engine',
            detail: { missing: decision.missing },
            at: now,
          });
        }
        continue;
      }
      if (decision.outcome === 'rejected') {
        if (decision.stage !== 'matching') this.documentsMatched(p, list, d, now);
        this.reject(p, list, d, decision.stage, decision.reasons, now, 'engine', evidence);
        continue;
      }
      entered.push({ list, d });
      (list as ListRow & { _decision?: Decision; _evidence?: unknown })._decision = decision;
      (list as ListRow & { _evidence?: unknown })._evidence = evidence;
    }

    // Entered lists (matched, admissible): list numbers, then 120 for the list and its three documents.
    const seqs = await store.nextInvtNos(tx, entered.length);
    await setInventoryNumbers(
      tx,
      entered.map(({ list, d }, i) => ({
        id: d.inventory.id,
        invtNo: `${list.customsCode}${list.declaredOn.slice(0, 4)}I${String(seqs[i]! % 1_000_000_000).padStart(9, '0')}`,
      })),
    );
    for (const [i, { list, d }] of entered.entries()) {
      const year = list.declaredOn.slice(0, 4);
      const invtNo = `${list.customsCode}${year}I${String(seqs[i]! % 1_000_000_000).padStart(9, '0')}`;
      list.invtNo = invtNo;
      list.inventoryId = d.inventory.id;
      this.enter(p, list, d, now);
      const decision = (list as ListRow & { _decision: Extract<Decision, { taxed: unknown }> })._decision;
      const evidence = (list as ListRow & { _evidence: Record<string, unknown> })._evidence;
      const detail = {
        ...evidence,
        outcome: decision.outcome,
        reasons: decision.reasons,
        sampling: decision.sampling,
        taxed: decision.taxed,
      };
      const summary = {
        outcome: decision.outcome,
        reasons: decision.reasons,
        sampling: decision.sampling,
        taxed: decision.taxed,
      };
      if (decision.outcome === 'release') {
        await this.release(tx, p, list, d, decision.taxed, now, 'engine', detail, parties);
      } else {
        const code = decision.outcome === 'review' ? '300' : '500';
        const info =
          decision.outcome === 'review'
            ? `人工审核：${reasonsInfo(decision.reasons.filter((r) => r.rule.startsWith('review:')))}`
            : `查验：按企业信用等级抽中（${decision.sampling?.level}，抽查率 ${decision.sampling?.rate}）`;
        this.listReceipt(p, list, d, code, info, now);
        p.updates.push({
          id: list.id,
          inventory_id: d.inventory.id,
          invt_no: invtNo,
          status: decision.outcome,
          return_status: code,
          check_at: null,
          amount: decision.taxed.amount,
          customs_tax: decision.taxed.customsTax,
          value_added_tax: decision.taxed.valueAddedTax,
          consumption_tax: decision.taxed.consumptionTax,
          decision: summary,
        });
        p.statuses.push({ kind: 'inventory', id: d.inventory.id, status: code });
        p.events.push({
          listId: list.id,
          kind: decision.outcome,
          returnStatus: code,
          actor: 'engine',
          detail,
          at: now,
        });
      }
    }
    await this.flush(tx, p);
  }

  /** 120 receipts: the list entered with its invtNo, and its order, payment and waybill matched. */
  private enter(p: Pending, list: ListRow, d: ListWithDocuments, now: Date): void {
    this.documentsMatched(p, list, d, now);
    this.listReceipt(p, list, d, '120', `海关入库，清单编号 ${list.invtNo} / entered as ${list.invtNo}`, now);
  }

  /**
   * The order, payment and waybill of a matched list enter the customs database (120), also when the list itself is
   * then refused for its limits, goods or stock: the documents were right.
   */
  private documentsMatched(p: Pending, list: ListRow, d: ListWithDocuments, now: Date): void {
    const time = cebTime(now, true);
    const info = `三单对碰通过，海关入库[${list.orderNo}] / matched and entered`;
    const doc = (
      type: string,
      r: { id: string; senderUscc: string; declarerUscc: string; head: Record<string, string> } | null,
      key: string,
      kind: Pending['statuses'][number]['kind'],
    ) => {
      if (!r) return;
      const record = receiptRecord(type as 'CEB312Message', r.head, '120', time, info);
      for (const recipientUscc of new Set([r.senderUscc, r.declarerUscc])) {
        p.receipts.push({
          recipientUscc,
          type,
          businessKey: key,
          returnStatus: '120',
          returnTime: time,
          returnInfo: info,
          record,
        });
      }
      p.statuses.push({ kind, id: r.id, status: '120' });
    };
    doc('CEB312Message', d.order, `${list.ebpCode}|${list.ebcCode}|${list.orderNo}`, 'order');
    doc('CEB412Message', d.payment, `${d.payment?.head.payCode}|${d.payment?.head.payTransactionId}`, 'payment');
    doc('CEB512Message', d.waybill, `${list.logisticsCode}|${list.logisticsNo}`, 'waybill');
  }

  private listReceipt(
    p: Pending,
    list: ListRow,
    d: ListWithDocuments | null,
    code: string,
    info: string,
    now: Date,
  ): void {
    const time = cebTime(now, true);
    const head = { ...(d?.inventory.head ?? {}), ...listHeadOf(list) };
    const record = receiptRecord('CEB622Message', head, code, time, info);
    for (const recipientUscc of listRecipients(list)) {
      p.receipts.push({
        recipientUscc,
        type: 'CEB622Message',
        businessKey: listKeyOf(list),
        returnStatus: code,
        returnTime: time,
        returnInfo: info,
        record,
      });
    }
  }

  private reject(
    p: Pending,
    list: ListRow,
    d: ListWithDocuments | null,
    stage: string,
    reasons: DecisionReason[],
    now: Date,
    actor: string,
    evidence: Record<string, unknown>,
  ): void {
    this.listReceipt(p, list, d, '100', reasonsInfo(reasons), now);
    p.updates.push({
      id: list.id,
      ...(d ? { inventory_id: d.inventory.id } : {}),
      status: 'rejected',
      return_status: '100',
      check_at: null,
      decision: { outcome: 'rejected', stage, reasons },
    });
    if (d) p.statuses.push({ kind: 'inventory', id: d.inventory.id, status: '100' });
    p.events.push({
      listId: list.id,
      kind: 'rejected',
      returnStatus: '100',
      actor,
      detail: {
        ...evidence,
        // a release refused at the last step (quota taken meanwhile, stock gone) keeps what the engine had decided
        ...(evidence.outcome ? { engineDecision: { outcome: evidence.outcome, reasons: evidence.reasons } } : {}),
        outcome: 'rejected',
        stage,
        reasons,
      },
      at: now,
    });
  }

  /**
   * Release: the buyer's quota is consumed (atomically: refused → rejected -621018), 1210 stock drawn down
   * (short → rejected), then 399 审结 and 800 放行, and the tax bill (CEB816) to the declarant and the guarantor.
   * All or nothing for the list (a savepoint).
   */
  private async release(
    tx: Tx,
    p: Pending,
    list: ListRow,
    d: ListWithDocuments,
    taxed: Extract<Decision, { taxed: unknown }>['taxed'],
    now: Date,
    actor: string,
    detail: Record<string, unknown>,
    parties?: Map<string, { uscc: string }>,
  ): Promise<boolean> {
    const policy = policyOn(list.declaredOn, RETAIL_IMPORT_POLICIES);
    const year = Number(list.declaredOn.slice(0, 4));
    const attempt = async (sp: Tx): Promise<DecisionReason[] | null> => {
      // one consumption per entry of the list (its invtNo): a list re-declared after a cancellation is a new entry
      const consumed = await this.quota.consume(
        sp,
        list.buyerHash,
        year,
        list.invtNo ?? list.id,
        taxed.amount,
        policy.annualLimit,
      );
      if (!consumed.ok) {
        return [{ code: '-621018', rule: 'quota', message: { zh: consumed.messageZh, en: consumed.messageEn } }];
      }
      if (list.tradeMode === '1210' && list.areaCode) {
        const short: DecisionReason[] = [];
        // one move per item record: lines of the same record draw their summed quantity
        for (const item of byItemRecord(d.inventory.items, null)) {
          const ok = await store.moveStock(sp, {
            area: list.areaCode,
            item: item.itemRecordNo,
            gcode: item.gcode,
            gname: item.gname,
            delta: item.qty.neg(),
            kind: 'release',
            ref: list.invtNo ?? list.id,
          });
          if (!ok) {
            short.push({
              code: 'BONDED_STOCK_SHORT',
              rule: 'bonded-stock',
              field: 'InventoryList.itemRecordNo',
              message: {
                zh: `料号 ${item.itemRecordNo} 保税库存不足本清单所需 ${item.qty.toString()}`,
                en: `Not enough bonded stock of ${item.itemRecordNo} for the ${item.qty.toString()} this list needs`,
              },
            });
          }
        }
        if (short.length) throw new StockShort(short);
      }
      return null;
    };
    // The quota consumption is its own savepoint; a 1210 list's stock moves join it in one more, all or nothing.
    const refused =
      list.tradeMode === '1210' && list.areaCode
        ? await tx.transaction(attempt).catch((e) => {
            if (e instanceof StockShort) return e.reasons;
            throw e;
          })
        : await attempt(tx);
    if (refused) {
      this.reject(p, list, d, 'release', refused, now, actor, detail);
      return false;
    }
    this.listReceipt(p, list, d, '399', `海关审结 [${list.invtNo}]`, now);
    this.listReceipt(p, list, d, '800', `放行 [${list.invtNo}]`, now);
    const releasedOn = shanghaiDate(now);
    const taxNo = `T${list.invtNo}`;
    p.taxBills.push({
      taxNo,
      listId: list.id,
      invtNo: list.invtNo as string,
      assureCode: list.assureCode,
      ebcCode: list.ebcCode,
      agentCode: list.agentCode,
      logisticsCode: list.logisticsCode,
      customsCode: list.customsCode,
      customsTax: taxed.customsTax,
      valueAddedTax: taxed.valueAddedTax,
      consumptionTax: taxed.consumptionTax,
      status: '1',
      releasedOn,
      dueFrom: addDays(releasedOn, 31),
      dueTo: addDays(releasedOn, 45),
      items: taxed.lines,
    });
    const time = cebTime(now, true);
    const bill = taxBillRecord(list, taxNo, taxed, time);
    const assure = (parties ?? (await this.filing.resolveCodes([list.assureCode], tx))).get(list.assureCode)?.uscc;
    for (const recipient of new Set([...listRecipients(list), assure].filter((u): u is string => !!u))) {
      p.receipts.push({
        recipientUscc: recipient,
        type: 'CEB816Message',
        businessKey: list.invtNo as string,
        returnStatus: '1',
        returnTime: time,
        returnInfo: `电子税单 ${taxNo} 已生成`,
        record: bill,
      });
    }
    p.updates.push({
      id: list.id,
      inventory_id: d.inventory.id,
      invt_no: list.invtNo,
      status: 'released',
      return_status: '800',
      check_at: null,
      released_at: now.toISOString(),
      amount: taxed.amount,
      customs_tax: taxed.customsTax,
      value_added_tax: taxed.valueAddedTax,
      consumption_tax: taxed.consumptionTax,
      quota_year: year,
      decision: { outcome: 'release', reasons: detail.reasons ?? [], sampling: detail.sampling ?? null, taxed },
    });
    p.statuses.push({ kind: 'inventory', id: d.inventory.id, status: '800' });
    p.events.push({
      listId: list.id,
      kind: 'released',
      returnStatus: '800',
      actor,
      detail: { ...detail, taxNo },
      at: now,
    });
    return true;
  }

  private async flush(tx: Tx, p: Pending): Promise<void> {
    await insertJsonRows(tx, clrTaxBills, p.taxBills);
    await store.updateLists(tx, p.updates);
    await store.addEvents(tx, p.events);
    await setRecordStatuses(tx, p.statuses);
    if (p.receipts.length) await issueReceipts(tx, p.receipts);
  }

  // ---- explaining: replaying a recorded decision -------------------------------------------------------------

  /**
   * Runs the engine's first decision on a list again from what it recorded (rules, table versions, credit level,
   * quota used, base rate, stock, seed) and the list's documents, and says whether it comes out the same. A
   * different rules version is reported: the code may have changed since.
   */
  async replay(listId: string): Promise<{
    recorded: { outcome: string; reasons: string[]; draw: string | null; tax: string | null; rulesVersion: string };
    replayed: { outcome: string; reasons: string[]; draw: string | null; tax: string | null; rulesVersion: string };
    same: boolean;
  } | null> {
    const list = await store.byId(this.db, listId);
    if (!list) return null;
    const events = rowsOf<{ detail: Record<string, unknown> }>(
      await this.db.execute(sql`select detail from clr_events where list_id = ${listId} and actor = 'engine'
        and detail ? 'seed' order by id limit 1`),
    );
    const ev = events[0]?.detail;
    if (!ev) {
      throw AppError.conflict('NOTHING_TO_REPLAY', '该清单没有引擎作出的决定', 'The engine has not decided this list');
    }
    const d = (await listsWithDocuments(this.db, this.pi, [list])).get(listKeyOf(list));
    if (!d) throw AppError.conflict('DOCUMENTS_GONE', '清单的单证已删除', "The list's documents were deleted");
    const versions = Object.fromEntries(
      Object.entries((ev.tables ?? {}) as Record<string, { id?: string }>).flatMap(([k, v]) =>
        v?.id ? [[k, v.id]] : [],
      ),
    );
    const tables = await this.tables.versionTables(versions);
    const stock = new Map(
      Object.entries((ev.stock ?? {}) as Record<string, string>).map(([k, v]) => [k, Decimal.parse(v)]),
    );
    const run = () =>
      decideList(toEngineDocuments(d), {
        tables,
        on: ev.on as string,
        usedThisYear: Decimal.parse(ev.usedThisYear as string),
        creditLevel: ev.creditLevel as CreditLevel,
        sampling: { baseRate: Decimal.parse(ev.inspectionBaseRate as string) },
        seed: ev.seed as string,
        stock,
        isoCurrency: isoOfCustomsCurrency,
        amountTolerance: Decimal.parse((ev.amountTolerance as string | undefined) ?? '0'),
      });
    let decision: {
      outcome: string;
      reasons?: { code: string }[];
      sampling?: unknown;
      taxed?: unknown;
      rulesVersion: string;
    };
    try {
      decision = run();
    } catch {
      decision = { outcome: 'rejected', reasons: [{ code: 'UNREADABLE_DATA' }], rulesVersion: RULES_VERSION };
    }
    const summary = (x: {
      outcome?: unknown;
      reasons?: unknown;
      sampling?: unknown;
      taxed?: unknown;
      rulesVersion?: unknown;
    }) => ({
      outcome: String(x.outcome),
      reasons: ((x.reasons ?? []) as { code: string }[]).map((r) => r.code),
      draw: ((x.sampling ?? null) as { draw?: string } | null)?.draw ?? null,
      tax: ((x.taxed ?? null) as { total?: string } | null)?.total ?? null,
      rulesVersion: String(x.rulesVersion),
    });
    const recorded = summary(ev.engineDecision ? { ...ev, ...(ev.engineDecision as object) } : ev);
    const replayed = summary(decision);
    const same =
      recorded.outcome === replayed.outcome &&
      recorded.draw === replayed.draw &&
      recorded.tax === replayed.tax &&
      recorded.reasons.join() === replayed.reasons.join();
    return { recorded, replayed, same };
  }

  // ---- officers: manual review and inspection ------------------------------------------------------------

  /** An officer settles a list in manual review (300) or inspection (500): release, or reject with the reason. */
  async officerDecide(
    actor: Actor,
    listId: string,
    input: { decision: 'release' | 'reject'; note: string },
  ): Promise<ListView> {
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      const list = await store.byId(tx, listId, true);
      if (!list) throw AppError.notFound('list', '清单');
      if (list.status !== 'review' && list.status !== 'inspection') {
        throw AppError.conflict(
          'LIST_NOT_PENDING',
          `清单状态为 ${list.status}，不在人工审核或查验中`,
          `The list is ${list.status}, not in manual review or inspection`,
        );
      }
      const d = (await listsWithDocuments(tx, this.pi, [list])).get(listKeyOf(list)) ?? null;
      const p = newPending();
      const who = actor.userId ?? 'officer';
      const detail = {
        stage: list.status,
        decision: input.decision,
        note: input.note,
        officer: { userId: actor.userId ?? null, name: actor.name ?? null },
        reasons: (list.decision as { reasons?: unknown } | null)?.reasons ?? [],
        sampling: (list.decision as { sampling?: unknown } | null)?.sampling ?? null,
      };
      if (input.decision === 'reject' || !d) {
        const reason: DecisionReason = {
          code: list.status === 'inspection' ? 'INSPECTION_FAILED' : 'REVIEW_REJECTED',
          rule: `officer:${list.status}`,
          message: {
            zh: `${list.status === 'inspection' ? '查验' : '人工审核'}不通过：${input.note}`,
            en: `${list.status === 'inspection' ? 'Inspection' : 'Manual review'} failed: ${input.note}`,
          },
        };
        this.reject(p, list, d, list.status, [reason], now, who, detail);
      } else {
        const taxed = (list.decision as { taxed: Extract<Decision, { taxed: unknown }>['taxed'] }).taxed;
        await this.release(tx, p, list, d, taxed, now, who, detail);
      }
      await this.flush(tx, p);
      await this.audit.append(tx, actor, {
        action: `clearance.${list.status as 'review' | 'inspection'}-decided`,
        targetType: 'inventory',
        targetId: list.invtNo ?? list.id,
        summary: { decision: input.decision, note: input.note },
      });
    });
    return (await this.listDetail(null, listId)) as ListView;
  }

  // ---- cancellations, returns, arrivals ------------------------------------------------------------------

  private async onCancellations(tx: Tx, acc: AcceptedRecords, now: Date): Promise<void> {
    const p = newPending();
    const time = cebTime(now, true);
    for (const { head, declarerUscc } of acc.records) {
      // a cancellation is only ever new (appType 1, XSD): a change or deletion of one changes nothing here
      if (text(head.appStatus) !== '2' || text(head.appType) !== '1') continue;
      const answer = (code: string, info: string) => {
        const record = receiptRecord('CEB624Message', head, code, time, info);
        for (const recipientUscc of new Set([acc.senderUscc, declarerUscc])) {
          p.receipts.push({
            recipientUscc,
            type: 'CEB624Message',
            businessKey: `${text(head.agentCode)}|${text(head.copNo)}`,
            returnStatus: code,
            returnTime: time,
            returnInfo: info,
            record,
          });
        }
      };
      const list = await store.byInvtNo(tx, text(head.invtNo), true);
      // the hub let only the list's e-commerce enterprise or its delegate send it: that enterprise's lists only
      if (!list || list.declarerUscc !== declarerUscc) {
        answer('-623005', `未找到清单 ${text(head.invtNo)}，或不是本企业申报的清单`);
        continue;
      }
      if (list.status === 'cancelled') {
        answer('-623009', `清单 ${list.invtNo} 已撤销`);
        continue;
      }
      const cancellable = ['waiting', 'review', 'inspection', 'released'].includes(list.status);
      const returned = await this.hasReturns(tx, list.id);
      if (!cancellable || returned) {
        answer('-623005', `清单的状态（${list.status}${returned ? '，已申请退货' : ''}）不符合撤单申报要求`);
        continue;
      }
      const after = list.status === 'released';
      const day = after ? daysAfter(list.releasedAt as Date, now) : 0;
      if (after && day > RETURN_WINDOW.applyWithinDays) {
        answer('-623005', `放行后 ${RETURN_WINDOW.applyWithinDays} 天内方可撤单，清单 ${list.invtNo} 已放行 ${day} 天`);
        continue;
      }
      if (after) {
        // Goods never delivered: the quota is given back in full, the tax bill voided, bonded stock put back.
        await this.quota.restore(
          tx,
          list.buyerHash,
          list.quotaYear ?? Number(list.declaredOn.slice(0, 4)),
          list.invtNo ?? list.id,
          {
            releasedAt: list.releasedAt as Date,
            appliedAt: list.releasedAt as Date,
            arrivedAt: list.releasedAt as Date,
          },
        );
        await this.voidTaxBill(tx, p, list, now, '撤单');
        await this.putBackStock(tx, list, 'cancel', null);
      }
      answer('399', `撤单成功 [${list.invtNo}] / cancelled`);
      p.updates.push({ id: list.id, status: 'cancelled', return_status: list.returnStatus, check_at: null });
      if (list.inventoryId) p.statuses.push({ kind: 'inventory', id: list.inventoryId, status: 'cancelled' });
      p.events.push({
        listId: list.id,
        kind: 'cancelled',
        returnStatus: null,
        actor: acc.senderUscc,
        detail: { reason: text(head.reason), afterRelease: after, messageId: acc.messageId },
        at: now,
      });
    }
    await this.flush(tx, p);
  }

  /** The tax bill of a list's current entry (a list re-declared after a cancellation has a new invtNo and bill). */
  private async billOf(q: Queryable, list: ListRow) {
    if (!list.invtNo) return undefined;
    return (await q.select().from(clrTaxBills).where(eq(clrTaxBills.invtNo, list.invtNo)))[0];
  }

  private async hasReturns(q: Queryable, listId: string): Promise<boolean> {
    const rows = await q
      .select({ id: clrReturns.id })
      .from(clrReturns)
      .where(and(eq(clrReturns.listId, listId), sql`${clrReturns.status} in ('applied', 'arrived', 'late')`))
      .limit(1);
    return rows.length > 0;
  }

  private async onReturns(tx: Tx, acc: AcceptedRecords, now: Date): Promise<void> {
    const p = newPending();
    const time = cebTime(now, true);
    for (const { head, items, declarerUscc } of acc.records) {
      if (text(head.appStatus) !== '2') continue;
      // the hub's key of a return application: one per list and declarant, changed by appType 2, withdrawn by 3
      const key = `${text(head.agentCode)}|${text(head.invtNo)}`;
      const answer = (code: string, info: string) => {
        const record = receiptRecord('CEB626Message', head, code, time, info);
        for (const recipientUscc of new Set([acc.senderUscc, declarerUscc])) {
          p.receipts.push({
            recipientUscc,
            type: 'CEB626Message',
            businessKey: key,
            returnStatus: code,
            returnTime: time,
            returnInfo: info,
            record,
          });
        }
      };
      const list = await store.byInvtNo(tx, text(head.invtNo), true);
      if (!list || list.declarerUscc !== declarerUscc) {
        answer('-625001', `未找到清单 ${text(head.invtNo)}，或不是本企业申报的清单`);
        continue;
      }
      if (text(head.appType) === '3') {
        const withdrawn = await tx
          .update(clrReturns)
          .set({ status: 'withdrawn', updatedAt: now })
          .where(and(eq(clrReturns.businessKey, key), eq(clrReturns.status, 'applied')))
          .returning({ id: clrReturns.id });
        if (withdrawn.length) {
          answer('399', `退货申请已撤回 [${list.invtNo}]`);
          p.events.push({
            listId: list.id,
            kind: 'return-withdrawn',
            returnStatus: null,
            actor: acc.senderUscc,
            detail: { key },
            at: now,
          });
        } else answer('-625002', `清单 ${list.invtNo} 没有可撤回的退货申请`);
        continue;
      }
      if (list.status !== 'released' || !list.releasedAt) {
        answer('-625002', `清单 ${list.invtNo} 状态为 ${list.status}，只有已放行的清单可以申请退货`);
        continue;
      }
      const day = daysAfter(list.releasedAt, now);
      if (day > RETURN_WINDOW.applyWithinDays) {
        answer('-625003', `退货申请须在放行后 ${RETURN_WINDOW.applyWithinDays} 天内提出，今天是第 ${day} 天`);
        continue;
      }
      const d = (await listsWithDocuments(tx, this.pi, [list])).get(listKeyOf(list));
      const bill = await this.billOf(tx, list);
      const lines = (bill?.items ?? []) as {
        gnum: number;
        taxPrice: string;
        customsTax: string;
        valueAddedTax: string;
        consumptionTax: string;
      }[];
      const errors: string[] = [];
      let amount = Decimal.ZERO;
      let tax = Decimal.ZERO;
      const parts = items.map((it) => {
        const gnum = Number(text(it.gnum));
        const orig = d?.inventory.items.find((x) => Number(x.gnum) === gnum);
        const line = lines.find((l) => l.gnum === gnum);
        if (!orig || !line || orig.gcode !== text(it.gcode)) {
          errors.push(`-625209 在关联的清单中未找到表体序号为[${gnum}],商品编号为[${text(it.gcode)}]的数据`);
          return null;
        }
        const qty = Decimal.parse(text(it.qty) || '0');
        const declaredQty = Decimal.parse(orig.qty ?? '0');
        if (!qty.isPositive() || qty.gt(declaredQty)) {
          errors.push(`-625004 第${gnum}项退货数量 ${qty} 须大于 0 且不超过清单数量 ${declaredQty}`);
          return null;
        }
        // the returned share of the item's dutiable price and of its tax, half-up to the fen
        const share = (v: string) => Decimal.parse(v).mul(qty).toRatio().div(declaredQty).round(2);
        const lineTax = Decimal.parse(line.customsTax)
          .add(Decimal.parse(line.valueAddedTax))
          .add(Decimal.parse(line.consumptionTax));
        const a = share(line.taxPrice);
        const t = lineTax.mul(qty).toRatio().div(declaredQty).round(2);
        amount = amount.add(a);
        tax = tax.add(t);
        return { gnum, qty: qty.toString(), amount: a.toFixed(2), tax: t.toFixed(2) };
      });
      if (errors.length) {
        answer(errors[0]!.split(' ')[0]!, errors.map((e) => e.slice(e.indexOf(' ') + 1)).join('；'));
        continue;
      }
      const stored = await tx
        .insert(clrReturns)
        .values({
          id: randomUUID(),
          listId: list.id,
          businessKey: key,
          status: 'applied',
          items: parts,
          amount: amount.toFixed(2),
          tax: tax.toFixed(2),
          appliedAt: now,
          reason: text(head.reason),
        })
        // a changed application (appType 2) replaces the open one; one whose goods came back stays as it was
        .onConflictDoUpdate({
          target: clrReturns.businessKey,
          set: {
            items: parts,
            amount: amount.toFixed(2),
            tax: tax.toFixed(2),
            reason: text(head.reason),
            updatedAt: now,
          },
          setWhere: sql`${clrReturns.status} = 'applied'`,
        })
        .returning({ id: clrReturns.id });
      if (!stored.length) {
        answer('-625002', `清单 ${list.invtNo} 的退货已办结，不能再变更`);
        continue;
      }
      answer(
        '120',
        `退货申请已受理 [${list.invtNo}]，请于放行后 ${RETURN_WINDOW.arriveWithinDays} 天内将商品退回原监管场所`,
      );
      p.events.push({
        listId: list.id,
        kind: 'return-applied',
        returnStatus: null,
        actor: acc.senderUscc,
        detail: { key, items: parts, amount: amount.toFixed(2), tax: tax.toFixed(2), day },
        at: now,
      });
    }
    await this.flush(tx, p);
  }

  /** CEB711 入库明细单: parcels back at the site. Returned lists whose goods arrive in time get quota and tax back. */
  private async onDeliveries(tx: Tx, acc: AcceptedRecords, now: Date): Promise<void> {
    const p = newPending();
    const time = cebTime(now, true);
    for (const { head, items } of acc.records) {
      if (text(head.appStatus) !== '2' || text(head.appType) === '3' || text(head.ieFlag) !== 'I') continue;
      const nos = items.map((i) => text(i.logisticsNo)).filter(Boolean);
      const lists = (await store.byLogisticsNos(tx, nos)).filter((l) => l.logisticsCode === text(head.logisticsCode));
      let matched = 0;
      for (const list of lists) matched += await this.arrive(tx, p, list, now, acc.senderUscc);
      const info = matched ? `入库明细单已入库，${matched} 票退货商品已运抵` : '入库明细单已入库';
      p.receipts.push({
        recipientUscc: acc.senderUscc,
        type: 'CEB712Message',
        businessKey: `${text(head.operatorCode)}|${text(head.copNo)}`,
        returnStatus: '120',
        returnTime: time,
        returnInfo: info,
        record: receiptRecord('CEB712Message', head, '120', time, info),
      });
    }
    await this.flush(tx, p);
  }

  /** An officer confirms the goods of a return are back (when the site sends no CEB711). */
  async confirmArrival(actor: Actor, returnId: string): Promise<void> {
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      const r = (await tx.select().from(clrReturns).where(eq(clrReturns.id, returnId)))[0];
      if (!r) throw AppError.notFound('return', '退货申请');
      if (r.status !== 'applied') {
        throw AppError.conflict('RETURN_NOT_OPEN', `退货申请状态为 ${r.status}`, `The return is ${r.status}`);
      }
      const list = await store.byId(tx, r.listId, true);
      if (!list) throw AppError.notFound('list', '清单');
      const p = newPending();
      await this.arrive(tx, p, list, now, actor.userId ?? 'officer', r.id);
      await this.flush(tx, p);
      await this.audit.append(tx, actor, {
        action: 'clearance.return-arrived',
        targetType: 'inventory',
        targetId: list.invtNo ?? list.id,
        summary: { returnId },
      });
    });
  }

  private async arrive(
    tx: Tx,
    p: Pending,
    list: ListRow,
    now: Date,
    actor: string,
    onlyReturn?: string,
  ): Promise<number> {
    const open = (
      await tx
        .select()
        .from(clrReturns)
        .where(and(eq(clrReturns.listId, list.id), eq(clrReturns.status, 'applied')))
    ).filter((r) => !onlyReturn || r.id === onlyReturn);
    for (const r of open) {
      const restored = await this.quota.restore(
        tx,
        list.buyerHash,
        list.quotaYear ?? Number(list.declaredOn.slice(0, 4)),
        list.invtNo ?? list.id,
        { releasedAt: list.releasedAt as Date, appliedAt: r.appliedAt, arrivedAt: now },
        RETURN_WINDOW,
        { ref: r.businessKey, amount: r.amount },
      );
      const inTime = restored.ok;
      await tx
        .update(clrReturns)
        .set({ status: inTime ? 'arrived' : 'late', arrivedAt: now, updatedAt: now })
        .where(eq(clrReturns.id, r.id));
      if (inTime) {
        await this.netTax(tx, p, list, Decimal.parse(r.tax), now);
        await this.putBackStock(tx, list, 'return', r.items as { gnum: number; qty: string }[], r.businessKey);
      }
      p.events.push({
        listId: list.id,
        kind: inTime ? 'return-arrived' : 'return-late',
        returnStatus: null,
        actor,
        detail: {
          returnId: r.id,
          key: r.businessKey,
          amount: r.amount,
          tax: r.tax,
          ...(restored.ok ? {} : { why: restored.messageZh }),
        },
        at: now,
      });
    }
    return open.length;
  }

  private async netTax(tx: Tx, p: Pending, list: ListRow, tax: Decimal, now: Date): Promise<void> {
    const bill = await this.billOf(tx, list);
    if (!bill) return;
    const netted = Decimal.parse(bill.nettedTax).add(tax);
    const total = Decimal.parse(bill.customsTax)
      .add(Decimal.parse(bill.valueAddedTax))
      .add(Decimal.parse(bill.consumptionTax));
    const voided = netted.gte(total);
    await tx
      .update(clrTaxBills)
      .set({
        nettedTax: Decimal.min(netted, total).toFixed(2),
        status: voided && bill.status === '1' ? '3' : bill.status,
        updatedAt: now,
      })
      .where(eq(clrTaxBills.taxNo, bill.taxNo));
    if (voided && bill.status === '1') await this.taxStatusReceipt(tx, p, list, bill.taxNo, '3', now);
  }

  private async voidTaxBill(tx: Tx, p: Pending, list: ListRow, now: Date, why: string): Promise<void> {
    const bill = await this.billOf(tx, list);
    if (!bill || bill.status === '3') return;
    await tx
      .update(clrTaxBills)
      .set({ status: '3', note: why, updatedAt: now })
      .where(eq(clrTaxBills.taxNo, bill.taxNo));
    await this.taxStatusReceipt(tx, p, list, bill.taxNo, '3', now);
  }

  /** CEB818: a tax bill's new status, to the declarant and the guarantor (as the CEB816 went). */
  private async taxStatusReceipt(
    q: Queryable,
    p: Pending,
    list: ListRow,
    taxNo: string,
    status: string,
    now: Date,
    entDutyNo?: string,
  ): Promise<void> {
    const time = cebTime(now, true);
    const assure = (await this.filing.resolveCodes([list.assureCode], q)).get(list.assureCode)?.uscc;
    const record = {
      TaxHeadStatus: {
        guid: randomUUID().toUpperCase(),
        returnTime: time,
        invtNo: list.invtNo as string,
        taxNo,
        status,
        ...(entDutyNo ? { entDutyNo } : {}),
        assureCode: list.assureCode,
      },
    };
    for (const recipient of new Set([...listRecipients(list), assure].filter((u): u is string => !!u))) {
      p.receipts.push({
        recipientUscc: recipient,
        type: 'CEB818Message',
        businessKey: list.invtNo as string,
        returnStatus: status,
        returnTime: time,
        returnInfo: `电子税单 ${taxNo} 状态 ${status}`,
        record,
      });
    }
  }

  private async putBackStock(
    tx: Tx,
    list: ListRow,
    kind: 'cancel' | 'return',
    items: { gnum: number; qty: string }[] | null,
    ref?: string,
  ): Promise<void> {
    if (list.tradeMode !== '1210' || !list.areaCode) return;
    const d = (await listsWithDocuments(tx, this.pi, [list])).get(listKeyOf(list));
    for (const item of byItemRecord(d?.inventory.items ?? [], items)) {
      await store.moveStock(tx, {
        area: list.areaCode,
        item: item.itemRecordNo,
        gcode: item.gcode,
        gname: item.gname,
        delta: item.qty,
        kind,
        ref: ref ?? list.invtNo ?? list.id,
      });
    }
  }

  // ---- bonded stock (1210) -----------------------------------------------------------------------------

  /**
   * Goods entering the bonded warehouse (入区): raise the stock per item, once per entry number. The warehouse
   * reports the entry after tallying (理货), with its CEB711 copNo as the entry number when it sent one.
   */
  async addStockEntry(
    actor: Actor,
    input: {
      areaCode: string;
      entryNo: string;
      items: { itemRecordNo: string; gcode: string; gname: string; qty: string }[];
    },
  ): Promise<{ areaCode: string; entryNo: string; repeated: boolean }> {
    let repeated = true;
    await this.db
      .transaction(async (tx) => {
        for (const item of input.items) {
          const before = rowsOf<{ n: number }>(
            await tx.execute(sql`select count(*)::int as n from clr_stock_moves where ref = ${input.entryNo}
            and kind = 'entry' and area_code = ${input.areaCode} and item_record_no = ${item.itemRecordNo}`),
          )[0]?.n;
          if (!before) repeated = false;
          await store.moveStock(tx, {
            area: input.areaCode,
            item: item.itemRecordNo,
            gcode: item.gcode,
            gname: item.gname,
            delta: Decimal.parse(item.qty),
            kind: 'entry',
            ref: input.entryNo,
          });
        }
        await this.audit.append(tx, actor, {
          action: 'clearance.bonded-entry',
          targetType: 'warehouse',
          targetId: input.areaCode,
          summary: { entryNo: input.entryNo, items: input.items.length },
        });
      })
      .catch((e) => {
        if (pgCode(e) === '22003') {
          throw new AppError(
            422,
            'STOCK_TOO_LARGE',
            '库存数量超出可记录的范围（19 位数字，5 位小数）',
            'The stock would exceed what can be recorded (19 digits, 5 decimals)',
            [{ path: 'items', message: '数量过大', messageEn: 'quantity too large' }],
          );
        }
        throw e;
      });
    return { areaCode: input.areaCode, entryNo: input.entryNo, repeated };
  }

  /** Whether an enterprise is the bonded warehouse named by a list's areaCode (filed as a warehouse). */
  async isWarehouse(uscc: string, areaCode: string): Promise<boolean> {
    const party = (await this.filing.resolveCodes([areaCode])).get(areaCode);
    return party?.uscc === uscc && party.filed && party.roles.includes('warehouse');
  }

  async stock(areaCodes: string[] | null) {
    const rows = rowsOf<{
      area_code: string;
      item_record_no: string;
      gcode: string;
      gname: string;
      qty: string;
      updated_at: string;
    }>(
      await this.db.execute(sql`select area_code, item_record_no, gcode, gname, qty::text as qty, updated_at from clr_stock
        ${areaCodes ? sql`where area_code in (select jsonb_array_elements_text(${JSON.stringify(areaCodes)}::jsonb))` : sql``} order by area_code, item_record_no limit 1000`),
    );
    return rows.map((r) => ({
      areaCode: r.area_code,
      itemRecordNo: r.item_record_no,
      gcode: r.gcode,
      gname: r.gname,
      qty: Decimal.parse(r.qty).toString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }

  // ---- buyer quota pre-check -----------------------------------------------------------------------------

  /**
   * The checkout's pre-check (个人年度额度预检, rules in quota-check.ts): for enterprise `uscc`, filed as ebp or ebc,
   * about a buyer of one of its declared orders or with the buyer's attested consent; whether `amount` fits, with the
   * limits, and the amount left only when the consent's scope is `remaining`. Rate-limited per enterprise and per
   * enterprise and buyer; every check (answered or refused; the first throttled one of a window) is audited with the
   * buyer's keyed hash only.
   */
  async quotaCheck(actor: Actor, uscc: string, input: QuotaCheckInput): Promise<QuotaAnswer> {
    const now = this.clock();
    const limits = this.opts.quotaChecks ?? DEFAULT_QUOTA_CHECK_LIMITS;
    const buyer = personHash(this.pi, input.buyerName, input.buyerIdType, input.buyerIdNumber);
    const consent = input.consent;
    const context = {
      ...(input.amount !== undefined ? { amount: input.amount } : {}),
      ...(consent ? { consent: { reference: consent.reference, scope: consent.scope, givenAt: consent.givenAt } } : {}),
    };
    const audit = (q: Queryable, outcome: string, extra: Record<string, unknown> = {}) =>
      this.audit.append(q, actor, {
        action: QUOTA_CHECK_ACTION,
        targetType: 'buyer',
        targetId: buyer,
        enterpriseUscc: uscc,
        summary: { outcome, ...context, ...extra },
      });
    const refuse = async (outcome: string, error: AppError, extra: Record<string, unknown> = {}): Promise<never> => {
      await this.db.transaction((tx) => audit(tx, outcome, extra));
      throw error;
    };

    // every attempt counts, refused ones too, so that probing is throttled like asking
    const minute = minuteWindow(now);
    const n = await store.countQuotaCheck(this.db, `ent:${uscc}`, minute.start);
    if (n > limits.perMinute) {
      const e = new QuotaCheckThrottled(retryAfterSeconds(minute, now), 'enterprise', limits.perMinute);
      if (n === limits.perMinute + 1) await refuse('throttled', e, { limit: 'enterprise' });
      throw e;
    }
    const party = (await this.filing.resolveCodes([uscc])).get(uscc);
    if (!party?.filed || !party.roles.some((r) => r === 'ebp' || r === 'ebc')) {
      await refuse(
        'refused-role',
        new AppError(
          403,
          'NOT_EBP_OR_EBC',
          '只有备案为电商平台或电商企业（ebp/ebc）的企业可以为结算预检购买人额度',
          'Only an enterprise filed as e-commerce platform or e-commerce enterprise (ebp/ebc) may pre-check a buyer’s quota',
        ),
      );
    }
    const day = shanghaiDayWindow(now);
    const m = await store.countQuotaCheck(this.db, `buyer:${uscc}:${buyer}`, day.start);
    if (m > limits.perBuyerPerDay) {
      const e = new QuotaCheckThrottled(retryAfterSeconds(day, now), 'buyer', limits.perBuyerPerDay);
      if (m === limits.perBuyerPerDay + 1) await refuse('throttled', e, { limit: 'buyer' });
      throw e;
    }

    let basis: QuotaBasis = 'order';
    if (consent) {
      basis = 'consent';
      const recorded = await store.recordQuotaConsent(this.db, {
        enterpriseUscc: uscc,
        reference: consent.reference,
        buyerHash: buyer,
        scope: consent.scope,
        givenAt: new Date(consent.givenAt),
        recordedBy: actor.name ?? 'unknown',
      });
      if (!sameConsent(recorded, buyer, consent.scope)) {
        await refuse(
          'refused-consent',
          new AppError(
            409,
            'CONSENT_REFERENCE_REUSED',
            `同意记录 ${consent.reference} 已用于其他购买人或其他范围：每次同意只针对一名购买人`,
            `Consent ${consent.reference} was recorded for another buyer or scope: one consent names one buyer`,
            [
              {
                path: 'consent.reference',
                message: '已用于其他购买人或范围',
                messageEn: 'used for another buyer or scope',
              },
            ],
          ),
          { reason: 'reference-reused' },
        );
      }
      // the consent as first recorded decides: a reference cannot be refreshed by sending a newer time
      const time = checkConsentTime(recorded.givenAt.toISOString(), now);
      if (!time.ok) {
        await refuse(
          'refused-consent',
          new AppError(422, time.code, time.messageZh, time.messageEn, [
            { path: 'consent.givenAt', message: time.messageZh, messageEn: time.messageEn, code: time.code },
          ]),
          { reason: time.code },
        );
      }
    } else {
      const codes = await this.filing.codesOf(uscc);
      if (!(await isBuyerOfDeclaredOrder(this.db, codes, buyer))) {
        await refuse(
          'refused-no-basis',
          new AppError(
            403,
            'NO_BASIS',
            '该购买人不是本企业已申报订单的购买人，且未提供购买人同意（consent）：不能预检其额度',
            'This person is not a buyer of any of your declared orders and no buyer consent was given: no quota check',
          ),
        );
      }
    }

    const on = shanghaiDate(now);
    const year = Number(on.slice(0, 4));
    const policy = policyOn(on, RETAIL_IMPORT_POLICIES);
    return this.db.transaction(async (tx) => {
      const answer = quotaAnswer({
        year,
        annualLimit: policy.annualLimit,
        singleLimit: policy.singleLimit,
        used: await this.quota.used(buyer, year, tx),
        amount: input.amount !== undefined ? Decimal.parse(input.amount) : null,
        basis,
        ...(consent ? { consentReference: consent.reference } : {}),
        disclose: consent?.scope === 'remaining',
      });
      const outcome = answer.fits === undefined ? 'remaining-disclosed' : answer.fits ? 'fits' : 'does-not-fit';
      await audit(tx, outcome, {
        basis,
        ...(answer.exceeds ? { exceeds: answer.exceeds } : {}),
        ...(answer.remaining !== undefined ? { remainingDisclosed: true } : {}),
      });
      return answer;
    });
  }

  // ---- tax bills and the consolidated monthly payment (汇总征税) --------------------------------------------

  /** Codes under which an enterprise appears in lists: its USCC and its customs code. */
  codesOf(uscc: string): Promise<string[]> {
    return this.filing.codesOf(uscc);
  }

  async lists(
    uscc: string | null,
    f: { status?: string; q?: string; page: number; pageSize: number },
  ): Promise<{ items: ListView[]; total: number }> {
    const conds = [sql`true`];
    if (uscc) {
      const codes = JSON.stringify(await this.codesOf(uscc));
      conds.push(sql`(agent_uscc = ${uscc} or declarer_uscc = ${uscc} or ebc_code in (select jsonb_array_elements_text(${codes}::jsonb))
        or ebp_code in (select jsonb_array_elements_text(${codes}::jsonb))
        or assure_code in (select jsonb_array_elements_text(${codes}::jsonb)))`);
    }
    if (f.status) conds.push(sql`status = ${f.status}`);
    if (f.q) conds.push(sql`(order_no = ${f.q} or invt_no = ${f.q} or logistics_no = ${f.q} or cop_no = ${f.q})`);
    const where = sql.join(conds, sql` and `);
    const rows = rowsOf<Record<string, unknown>>(
      await this.db.execute(sql`select * from clr_lists where ${where} order by updated_at desc, id
        limit ${f.pageSize} offset ${(f.page - 1) * f.pageSize}`),
    );
    const total =
      rowsOf<{ n: number }>(await this.db.execute(sql`select count(*)::int as n from clr_lists where ${where}`))[0]
        ?.n ?? 0;
    return { items: rows.map((r) => listView(mapListRow(r))), total };
  }

  async taxBills(uscc: string | null, f: { status?: string; month?: string; page: number; pageSize: number }) {
    const conds = [sql`true`];
    if (uscc) {
      const codes = JSON.stringify(await this.codesOf(uscc));
      conds.push(sql`(assure_code in (select jsonb_array_elements_text(${codes}::jsonb))
        or agent_code in (select jsonb_array_elements_text(${codes}::jsonb))
        or ebc_code in (select jsonb_array_elements_text(${codes}::jsonb)))`);
    }
    if (f.status) conds.push(sql`status = ${f.status}`);
    if (f.month) conds.push(sql`to_char(released_on, 'YYYY-MM') = ${f.month}`);
    const where = sql.join(conds, sql` and `);
    const rows = await this.db
      .select()
      .from(clrTaxBills)
      .where(where)
      .orderBy(sql`released_on desc, tax_no`)
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize);
    const total =
      rowsOf<{ n: number }>(await this.db.execute(sql`select count(*)::int as n from clr_tax_bills where ${where}`))[0]
        ?.n ?? 0;
    return { items: rows.map(taxBillView), total };
  }

  /**
   * The guarantor's consolidated payment for a month (汇总征税): the bills whose payment window (days 31 to 45
   * after release) opens in that month, what each owes, what returns netted, what cancellations voided, and the
   * total payable.
   */
  async taxDue(assureUscc: string, month: string) {
    const codes = JSON.stringify(await this.codesOf(assureUscc));
    const rows = await this.db
      .select()
      .from(clrTaxBills)
      .where(
        sql`assure_code in (select jsonb_array_elements_text(${codes}::jsonb)) and to_char(due_from, 'YYYY-MM') = ${month}`,
      )
      .orderBy(sql`due_from, tax_no`);
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

  /**
   * The guarantor pays the month's consolidated tax: every open bill (status 1) whose window opened in the month
   * and has begun (day 31 reached) becomes 已汇总 (2) under one payment number (缴款书编号), with its CEB818, and
   * its list is closed (899 结关).
   */
  async consolidate(actor: Actor, assureUscc: string, month: string) {
    const now = this.clock();
    const today = shanghaiDate(now);
    const codes = JSON.stringify(await this.codesOf(assureUscc));
    const entDutyNo = `HZ${month.replace('-', '')}${randomBytes(5).toString('hex').toUpperCase()}`;
    const result = await this.db.transaction(async (tx) => {
      // Lists first, then their bills (the order cancellations and arrivals lock in). A bill whose list has a return
      // still open waits: the goods may yet come back by day 45 and net its tax.
      const due = rowsOf<{ list_id: string }>(
        await tx.execute(sql`select b.list_id from clr_tax_bills b
          where b.assure_code in (select jsonb_array_elements_text(${codes}::jsonb)) and b.status = '1'
            and to_char(b.due_from, 'YYYY-MM') = ${month} and b.due_from <= ${today}::date
            and not exists (select 1 from clr_returns r where r.list_id = b.list_id and r.status = 'applied')`),
      ).map((r) => r.list_id);
      if (due.length) {
        await tx.execute(sql`select id from clr_lists
          where id in (select (jsonb_array_elements_text(${JSON.stringify(due)}::jsonb))::uuid) order by id for update`);
      }
      const bills = due.length
        ? await tx
            .update(clrTaxBills)
            .set({ status: '2', entDutyNo, updatedAt: now })
            .where(sql`list_id in (select (jsonb_array_elements_text(${JSON.stringify(due)}::jsonb))::uuid)
              and status = '1' and to_char(due_from, 'YYYY-MM') = ${month}`)
            .returning()
        : [];
      const p = newPending();
      for (const b of bills) {
        const list = await store.byId(tx, b.listId, true);
        if (!list) continue;
        await this.taxStatusReceipt(tx, p, list, b.taxNo, '2', now, entDutyNo);
        if (list.status === 'released') {
          this.listReceipt(p, list, null, '899', `结关 [${list.invtNo}]`, now);
          p.updates.push({
            id: list.id,
            status: 'closed',
            return_status: '899',
            check_at: null,
            closed_at: now.toISOString(),
          });
          if (list.inventoryId) p.statuses.push({ kind: 'inventory', id: list.inventoryId, status: '899' });
          p.events.push({
            listId: list.id,
            kind: 'closed',
            returnStatus: '899',
            actor: actor.userId ?? 'enterprise',
            detail: { taxNo: b.taxNo, entDutyNo },
            at: now,
          });
        }
      }
      await this.flush(tx, p);
      await this.audit.append(tx, actor, {
        action: 'clearance.tax-consolidated',
        targetType: 'enterprise',
        targetId: assureUscc,
        enterpriseUscc: assureUscc,
        summary: { month, entDutyNo, bills: bills.length },
      });
      return bills;
    });
    const paid = Decimal.sum(result.map((b) => Decimal.parse(taxBillView(b).payable)));
    return { month, entDutyNo: result.length ? entDutyNo : null, bills: result.length, paid: paid.toFixed(2) };
  }

  // ---- queries ------------------------------------------------------------------------------------------

  async listDetail(uscc: string | null, id: string): Promise<ListView | null> {
    const list = await store.byId(this.db, id);
    if (!list || (uscc !== null && !(await this.visibleTo(uscc, list)))) return null;
    const events = rowsOf<Record<string, unknown>>(
      await this.db.execute(
        sql`select id, kind, return_status, actor, detail, at from clr_events where list_id = ${id} order by id`,
      ),
    );
    const returns = await this.db.select().from(clrReturns).where(eq(clrReturns.listId, id));
    const bill = (await this.billOf(this.db, list)) ?? null;
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

  private async visibleTo(uscc: string, list: ListRow): Promise<boolean> {
    if (list.agentUscc === uscc || list.declarerUscc === uscc) return true;
    const parties = await this.filing.resolveCodes([list.ebcCode, list.ebpCode, list.assureCode]);
    return [list.ebcCode, list.ebpCode, list.assureCode].some((c) => parties.get(c)?.uscc === uscc);
  }
}

/** A list's receipts go to the enterprise that sent it and to the e-commerce enterprise it was declared for. */
function listRecipients(list: ListRow): string[] {
  return [...new Set([list.agentUscc, list.declarerUscc].filter(Boolean))];
}

class StockShort extends Error {
  constructor(readonly reasons: DecisionReason[]) {
    super('bonded stock short');
  }
}

const MISSING_NAMES = {
  order: { zh: '订单', en: 'order' },
  payment: { zh: '支付单', en: 'payment' },
  waybill: { zh: '运单', en: 'waybill' },
} as const;
