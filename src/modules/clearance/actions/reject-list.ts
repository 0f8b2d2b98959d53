import type { ListWithDocuments } from '../../declaration/port.js';
import { type DecisionReason, reasonsInfo } from '../rules/reasons.js';
import type { ListRow } from '../store/lists.js';
import type { Pending } from './pending.js';
import { listReceipt } from './receipts.js';

export function rejectList(
  p: Pending,
  list: ListRow,
  d: ListWithDocuments | null,
  stage: string,
  reasons: DecisionReason[],
  now: Date,
  actor: string,
  evidence: Record<string, unknown>,
): void {
  listReceipt(p, list, d, '100', reasonsInfo(reasons), now);
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
