/**
 * The import clearance engine (emulated mode: the platform decides), as one service for the routes, the CLI and
 * the composition root. Lists declared through the hub wait for their order, payment and waybill, are matched,
 * assessed, sampled and decided in batches by a worker; each decision issues the official receipts (CEB622 120 →
 * 300/500 or 399 → 800; 312/412/512 120; CEB816 tax bill) through the declaration hub, and is recorded with its
 * rules, table versions and seed. Officers settle reviews and inspections; cancellations (CEB623), returns (CEB625)
 * and arrivals (CEB711) change released lists. Owns the clr_* tables and the quota ledger.
 *
 * A facade: each method is one action of actions/ (a state change, in the domain's words) or one query of
 * queries.ts; the pure rules are in rules/ (rules/import/ for this direction), every SQL statement in store/.
 */
import type { Actor, AuditTrail } from '../../platform/audit/audit.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import type { Database, Tx } from '../../platform/db/client.js';
import type { AcceptedRecords, IntakeListener } from '../declaration/port.js';
import type { FilingService } from '../filing/port.js';
import { addStockEntry } from './actions/add-stock-entry.js';
import { checkQuota, type QuotaCheckInput } from './actions/check-quota.js';
import { confirmReturnArrival } from './actions/confirm-return-arrival.js';
import { consolidateTax } from './actions/consolidate-tax.js';
import { decideDueLists } from './actions/decide-lists.js';
import { officerDecide } from './actions/officer-decide.js';
import { registerLists } from './actions/register-lists.js';
import { rejectOverdue } from './actions/reject-overdue.js';
import { replayDecision } from './actions/replay-decision.js';
import type { ClearanceContext, ClearanceOptions, CreditLookup, TablesSource } from './context.js';
import * as queries from './queries.js';
import type { QuotaAnswer } from './rules/import/quota-check.js';
import { QuotaLedger } from './store/quota.js';
import type { ListView } from './views.js';
import { ClearanceWorker } from './worker.js';

export type { ClearanceOptions, CreditLookup, TablesSource } from './context.js';

export class ClearanceService implements IntakeListener {
  readonly quota: QuotaLedger;
  private readonly ctx: ClearanceContext;
  private readonly worker: ClearanceWorker;

  constructor(
    db: Database,
    pi: PersonalInfoCipher,
    filing: FilingService,
    credit: CreditLookup,
    tables: TablesSource,
    audit: AuditTrail,
    opts: ClearanceOptions,
  ) {
    this.quota = new QuotaLedger(db);
    const clock = opts.clock ?? (() => new Date());
    this.ctx = { db, pi, filing, credit, tables, audit, opts, quota: this.quota, clock };
    this.worker = new ClearanceWorker(this.ctx);
  }

  // ---- intake: what arrives through the hub ----

  async onAccepted(tx: Tx, acc: AcceptedRecords): Promise<void> {
    await registerLists(this.ctx, tx, acc);
    this.worker.kick();
  }

  // ---- the worker ----

  /** Starts deciding in the background (every `intervalMs`, and soon after each intake). */
  start(intervalMs = 250): void {
    this.worker.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Decides until nothing is due (tests and the CLI; the worker does the same in the background). */
  drain(): Promise<void> {
    return this.worker.drain();
  }

  /** Decides one batch of due lists in one transaction; returns how many were looked at. */
  processDue(): Promise<number> {
    return decideDueLists(this.ctx);
  }

  /** Rejects lists that waited too long; marks returns whose goods did not come back in time. */
  sweep(): Promise<void> {
    return rejectOverdue(this.ctx);
  }

  // ---- officers, explanations, returns, stock, quota, tax ----

  replay(listId: string) {
    return replayDecision(this.ctx, listId);
  }

  officerDecide(
    actor: Actor,
    listId: string,
    input: { decision: 'release' | 'reject'; note: string },
  ): Promise<ListView> {
    return officerDecide(this.ctx, actor, listId, input);
  }

  confirmArrival(actor: Actor, returnId: string): Promise<void> {
    return confirmReturnArrival(this.ctx, actor, returnId);
  }

  addStockEntry(
    actor: Actor,
    input: {
      areaCode: string;
      entryNo: string;
      items: { itemRecordNo: string; gcode: string; gname: string; qty: string }[];
    },
  ) {
    return addStockEntry(this.ctx, actor, input);
  }

  quotaCheck(actor: Actor, uscc: string, input: QuotaCheckInput): Promise<QuotaAnswer> {
    return checkQuota(this.ctx, actor, uscc, input);
  }

  consolidate(actor: Actor, assureUscc: string, month: string) {
    return consolidateTax(this.ctx, actor, assureUscc, month);
  }

  // ---- queries ----

  isWarehouse(uscc: string, areaCode: string): Promise<boolean> {
    return queries.isWarehouse(this.ctx, uscc, areaCode);
  }

  stock(areaCodes: string[] | null) {
    return queries.stock(this.ctx, areaCodes);
  }

  /** Codes under which an enterprise appears in lists: its USCC and its customs code. */
  codesOf(uscc: string): Promise<string[]> {
    return queries.codesOf(this.ctx, uscc);
  }

  lists(uscc: string | null, f: { status?: string; q?: string; page: number; pageSize: number }) {
    return queries.lists(this.ctx, uscc, f);
  }

  taxBills(uscc: string | null, f: { status?: string; month?: string; page: number; pageSize: number }) {
    return queries.taxBills(this.ctx, uscc, f);
  }

  taxDue(assureUscc: string, month: string) {
    return queries.taxDue(this.ctx, assureUscc, month);
  }

  listDetail(uscc: string | null, id: string): Promise<ListView | null> {
    return queries.listDetail(this.ctx, uscc, id);
  }
}
