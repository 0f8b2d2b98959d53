import { Decimal } from '../../../kernel/money.js';
import { AppError } from '../../../platform/http/errors.js';
import { listKeyOf, listsWithDocuments } from '../../declaration/port.js';
import type { ClearanceContext } from '../context.js';
import { decideList, isoOfCustomsCurrency, RULES_VERSION } from '../rules/import/engine.js';
import type { CreditLevel } from '../rules/sampling.js';
import { listsStore } from '../store/lists.js';
import { toEngineDocuments } from '../views.js';

/**
 * Runs the engine's first decision on a list again from what it recorded (rules, table versions, credit level,
 * quota used, base rate, stock, seed) and the list's documents, and says whether it comes out the same. A
 * different rules version is reported: the code may have changed since.
 */
export async function replayDecision(
  ctx: ClearanceContext,
  listId: string,
): Promise<{
  recorded: { outcome: string; reasons: string[]; draw: string | null; tax: string | null; rulesVersion: string };
  replayed: { outcome: string; reasons: string[]; draw: string | null; tax: string | null; rulesVersion: string };
  same: boolean;
} | null> {
  const list = await listsStore.byId(ctx.db, listId);
  if (!list) return null;
  const ev = await listsStore.firstEngineDecision(ctx.db, listId);
  if (!ev) {
    throw AppError.conflict('NOTHING_TO_REPLAY', '该清单没有引擎作出的决定', 'The engine has not decided this list');
  }
  const d = (await listsWithDocuments(ctx.db, ctx.pi, [list])).get(listKeyOf(list));
  if (!d) throw AppError.conflict('DOCUMENTS_GONE', '清单的单证已删除', "The list's documents were deleted");
  const versions = Object.fromEntries(
    Object.entries((ev.tables ?? {}) as Record<string, { id?: string }>).flatMap(([k, v]) =>
      v?.id ? [[k, v.id]] : [],
    ),
  );
  const tables = await ctx.tables.versionTables(versions);
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
