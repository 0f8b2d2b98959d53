/**
 * The worker's batch: take the due lists, load their documents through the hub, read what the decisions need for
 * the whole batch at once (quota used, credit levels, bonded stock), run the pure decision of each list
 * (rules/import/engine.ts `decideList`) and apply the outcome: waiting, rejected (reject-list.ts), entered and
 * released (release-list.ts), or held for review or inspection (300/500).
 */
import { randomBytes } from 'node:crypto';
import { Decimal } from '../../../kernel/money.js';
import type { Tx } from '../../../platform/db/client.js';
import { type ListWithDocuments, listKeyOf, listsWithDocuments, setInventoryNumbers } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { type Decision, decideList, isoOfCustomsCurrency, RULES_VERSION } from '../rules/import/engine.js';
import { reasonsInfo } from '../rules/reasons.js';
import type { CreditLevel } from '../rules/sampling.js';
import { type ListRow, listsStore } from '../store/lists.js';
import { quotaStore } from '../store/quota.js';
import { stockStore } from '../store/stock.js';
import { groupBy } from '../tables/tables.js';
import { toEngineDocuments } from '../views.js';
import { flush, newPending } from './pending.js';
import { documentsMatched, enterList, listReceipt } from './receipts.js';
import { rejectList } from './reject-list.js';
import { releaseList } from './release-list.js';

/** Decides one batch of due lists in one transaction; returns how many were looked at. */
export async function decideDueLists(ctx: ClearanceContext): Promise<number> {
  const now = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const due = await listsStore.dueLists(tx, now, ctx.opts.batchSize ?? 500);
    if (!due.length) return 0;
    await decideBatch(ctx, tx, due, now);
    return due.length;
  });
}

async function decideBatch(ctx: ClearanceContext, tx: Tx, lists: ListRow[], now: Date): Promise<void> {
  const docs = await listsWithDocuments(tx, ctx.pi, lists);
  const { tables, versions, sample } = ctx.tables.current();
  const p = newPending();

  // Everything the decisions read, for the whole batch at once: quota used, credit, bonded stock.
  const years = new Map(lists.map((l) => [l.id, Number(l.declaredOn.slice(0, 4))]));
  const used = await quotaStore.quotaUsed(
    tx,
    lists.map((l) => ({ buyer: l.buyerHash, year: years.get(l.id)! })),
  );
  const parties = await ctx.filing.resolveCodes(
    lists.flatMap((l) => [l.ebcCode, l.assureCode]),
    tx,
  );
  const levels = new Map<string, CreditLevel>();
  for (const [on, group] of groupBy(lists, (l) => l.declaredOn)) {
    const usccs = [...new Set(group.map((l) => parties.get(l.ebcCode)?.uscc).filter((u): u is string => !!u))];
    const found = await ctx.credit.levelsOn(usccs, on, tx);
    for (const l of group) levels.set(l.id, found.get(parties.get(l.ebcCode)?.uscc ?? '') ?? 'general');
  }
  const bonded = lists.filter((l) => l.tradeMode === '1210' && l.areaCode);
  const stockKeys = bonded.flatMap((l) =>
    (docs.get(listKeyOf(l))?.inventory.items ?? [])
      .filter((i) => i.itemRecordNo)
      .map((i) => ({ area: l.areaCode as string, item: i.itemRecordNo as string })),
  );
  const stock = await stockStore.stock(tx, stockKeys);

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
        sampling: { baseRate: ctx.opts.inspectionBaseRate },
        seed,
        stock: areaStock,
        isoCurrency: isoOfCustomsCurrency,
        amountTolerance: ctx.opts.amountTolerance,
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
      inspectionBaseRate: ctx.opts.inspectionBaseRate.toString(),
      amountTolerance: ctx.opts.amountTolerance.toString(),
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
      if (decision.stage !== 'matching') documentsMatched(p, list, d, now);
      rejectList(p, list, d, decision.stage, decision.reasons, now, 'engine', evidence);
      continue;
    }
    entered.push({ list, d });
    (list as ListRow & { _decision?: Decision; _evidence?: unknown })._decision = decision;
    (list as ListRow & { _evidence?: unknown })._evidence = evidence;
  }

  // Entered lists (matched, admissible): list numbers, then 120 for the list and its three documents.
  const seqs = await listsStore.nextInvtNos(tx, entered.length);
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
    enterList(p, list, d, now);
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
      await releaseList(ctx, tx, p, list, d, decision.taxed, now, 'engine', detail, parties);
    } else {
      const code = decision.outcome === 'review' ? '300' : '500';
      const info =
        decision.outcome === 'review'
          ? `人工审核：${reasonsInfo(decision.reasons.filter((r) => r.rule.startsWith('review:')))}`
          : `查验：按企业信用等级抽中（${decision.sampling?.level}，抽查率 ${decision.sampling?.rate}）`;
      listReceipt(p, list, d, code, info, now);
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
  await flush(tx, p);
}
