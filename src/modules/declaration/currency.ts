/**
 * Import messages are in RMB (ceb-messages.md §2.3 and Appendix A): the XSD annotates every currency field of the
 * import entities "限定为人民币，填写“142”" (CEB311 OrderHead and OrderList, CEB411 PaymentHead, CEB511
 * LogisticsHead, CEB621 InventoryHead and InventoryList). The XSD's type is a 3-character code, so the schema check
 * lets any currency through; this rule refuses the others, with each field's full path. Pure: no I/O.
 *
 * The fields are read from the generated definitions (the XSD's own annotations), not listed by hand; the export
 * messages, whose currencies are real ones (USD, EUR …), have no such annotation and are not concerned.
 */
import type { CebRecord } from './ceb/codec.js';
import type { CebNodeDef } from './ceb/definition-types.js';
import { CEB_MESSAGE_DEFS, type CebMessageType } from './ceb/definitions.generated.js';
import { type IntakeError, type MessageSpec, recordPath, text } from './model.js';

/** RMB in 《JGS-20 海关业务代码集》 货币代码. */
export const RMB = '142';

/** The annotation the XSD gives a currency that must be RMB. */
const RMB_ONLY = /限定为人民币/;

/** ceb-messages.md §5.2: the order's "参数校验不通过"; kinds without a documented code get the schema's 0002. */
const PARAMETER_CODES: Partial<Record<CebMessageType, string>> = { CEB311Message: '-301008' };

export type RmbFields = { head: string[]; items: string[] };

function rmbFieldsOf(children: readonly CebNodeDef[] | undefined): string[] {
  return (children ?? []).filter((c) => c.kind === 'field' && RMB_ONLY.test(c.doc ?? '')).map((c) => c.name);
}

const cache = new Map<CebMessageType, RmbFields>();

/** The fields of a message's head and items that the XSD fixes to 142, e.g. CEB311: currency and currency. */
export function rmbFields(spec: MessageSpec): RmbFields {
  let fields = cache.get(spec.type);
  if (!fields) {
    const record = CEB_MESSAGE_DEFS[spec.type].children[0];
    const groups = record?.kind === 'group' ? record.children : [];
    const group = (name: string | null) => {
      const g = name === null ? record : groups.find((c) => c.name === name);
      return g?.kind === 'group' ? g.children : undefined;
    };
    fields = { head: rmbFieldsOf(group(spec.head)), items: spec.items ? rmbFieldsOf(group(spec.items)) : [] };
    cache.set(spec.type, fields);
  }
  return fields;
}

function refusal(spec: MessageSpec, path: string, value: string): IntakeError {
  return {
    code: PARAMETER_CODES[spec.type] ?? '0002',
    path,
    message: {
      zh: `进口报文币制限定为人民币，应填写“${RMB}”，收到的是“${value}”`,
      en: `Import messages are in RMB: the currency must be "${RMB}", got "${value}"`,
    },
  };
}

/**
 * Every currency of `heads` (one per record) and `items` (each record's item list) that is not 142, with its full
 * path: CEB311Message/Order[1]/OrderHead/currency, CEB311Message/Order[1]/OrderList[2]/currency. A missing currency
 * is the schema check's to report.
 */
export function importCurrencyErrors(
  spec: MessageSpec,
  heads: readonly CebRecord[],
  items: readonly (readonly CebRecord[])[] = [],
): IntakeError[] {
  const fields = rmbFields(spec);
  if (fields.head.length === 0 && fields.items.length === 0) return [];
  const errors: IntakeError[] = [];
  heads.forEach((head, i) => {
    const headPath = recordPath(spec, i);
    for (const f of fields.head) {
      const v = head[f];
      if (v !== undefined && text(v) !== RMB) errors.push(refusal(spec, `${headPath}/${f}`, text(v)));
    }
    const recordOnly = spec.head ? headPath.slice(0, headPath.length - spec.head.length - 1) : headPath;
    (items[i] ?? []).forEach((item, j) => {
      for (const f of fields.items) {
        const v = item[f];
        if (v !== undefined && text(v) !== RMB) {
          errors.push(refusal(spec, `${recordOnly}/${spec.items}[${j + 1}]/${f}`, text(v)));
        }
      }
    });
  });
  return errors;
}
