/**
 * Parsing a declaration in any accepted form (CEB XML, a DxpMsg envelope, the JSON form) into a CEB message, with
 * the 0001/0002 errors of the data exchange. Pure and synchronous, so that it can run on a worker thread.
 */
import type { CebMessage } from './ceb/codec.js';
import { normalizeCeb, parseCeb, validateCeb } from './ceb/codec.js';
import { CEB_MESSAGE_DEFS } from './ceb/definitions.generated.js';
import { type DxpTransInfo, isDxpMsg, unwrapDxp } from './ceb/dxp.js';
import type { IntakeError } from './model.js';

export type Parsed = {
  message: CebMessage;
  format: 'xml' | 'json' | 'dxp';
  /** The CEB XML exactly as received (inside the envelope for DxpMsg), for signature verification. */
  xml: Buffer | null;
  transInfo: DxpTransInfo | null;
  warnings: { path: string; message: string; messageEn: string }[];
};

export type ParseOutcome = { ok: true; parsed: Parsed } | { ok: false; httpStatus: number; errors: IntakeError[] };

const MAX_ERRORS = 200;

/**
 * A JSON body at the message entry that could not be read (malformed, nested deeper than the limit, a forbidden
 * `__proto__`/`constructor` key): it is answered with a 0001 format receipt like malformed XML, and kept as text.
 */
export class UnreadableJson {
  constructor(
    readonly text: string,
    readonly problem: { zh: string; en: string },
  ) {}
}

class Rejected extends Error {
  constructor(readonly errors: IntakeError[]) {
    super('rejected');
  }
}

/** Parses any accepted form into a CEB message, or throws a Rejection with 0001/0002 errors. */
export function parseDeclaration(body: Uint8Array | unknown, contentType: 'xml' | 'json'): ParseOutcome {
  try {
    return { ok: true, parsed: parseOrThrow(body, contentType) };
  } catch (e) {
    if (e instanceof Rejected) return { ok: false, httpStatus: 400, errors: e.errors };
    throw e;
  }
}

function parseOrThrow(body: Uint8Array | unknown, contentType: 'xml' | 'json'): Parsed {
  if (contentType === 'json') {
    if (body instanceof UnreadableJson) throw new Rejected([{ code: '0001', path: '', message: body.problem }]);
    const m = body as Partial<CebMessage> | null;
    if (
      !m ||
      typeof m !== 'object' ||
      Array.isArray(m) ||
      typeof m.type !== 'string' ||
      !(m.type in CEB_MESSAGE_DEFS)
    ) {
      throw new Rejected([
        { code: '0002', path: 'type', message: { zh: '未知的报文类型', en: 'Unknown message type' } },
      ]);
    }
    const message: CebMessage = { ...(m as CebMessage), version: m.version ?? '1.0' };
    // A JSON message carries no XML signature: whether it must be signed is decided by the intake checks (-621029
    // "send signed XML", or accepted on the API key when the zone allows it), not by the schema.
    const errors = validateCeb(message).filter(
      (e) => !(e.path === `${message.type}/Signature` && message.signature === undefined),
    );
    if (errors.length) throw new Rejected(errors.map((e) => ({ code: e.code, path: e.path, message: e.message })));
    // values white-space processed as in the XML form, so both forms store the same
    return { message: normalizeCeb(message), format: 'json', xml: null, transInfo: null, warnings: [] };
  }
  let xml = Buffer.isBuffer(body) ? body : Buffer.from(body as Uint8Array);
  let transInfo: DxpTransInfo | null = null;
  if (isDxpMsg(xml)) {
    const env = unwrapDxp(xml);
    if (!env.ok) throw new Rejected(env.errors.map((e) => ({ code: e.code, path: e.path, message: e.message })));
    xml = env.inner;
    transInfo = env.transInfo;
  }
  const r = parseCeb(xml);
  if (!r.ok)
    throw new Rejected(
      r.errors
        .slice(0, MAX_ERRORS)
        .map((e) => ({ code: e.code, path: e.path, ...(e.line ? { line: e.line } : {}), message: e.message })),
    );
  if (transInfo && transInfo.msgType !== r.message.type) {
    throw new Rejected([
      {
        code: '0002',
        path: 'DxpMsg/TransInfo/MsgType',
        message: {
          zh: `MsgType ${transInfo.msgType} 与报文 ${r.message.type} 不符`,
          en: `MsgType ${transInfo.msgType} does not match the message ${r.message.type}`,
        },
      },
    ]);
  }
  return {
    message: r.message,
    format: transInfo ? 'dxp' : 'xml',
    xml,
    transInfo,
    warnings: r.warnings.map((w) => ({ path: w.path, message: w.message.zh, messageEn: w.message.en })),
  };
}
