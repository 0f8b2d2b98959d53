/**
 * The command line's view of a message file: exactly the intake's parsing, schema and signature checks, without a
 * database (`cbec-zone ceb check`, `cbec-zone ceb convert`).
 */
import { readFileSync } from 'node:fs';
import { buildCeb, type CebMessage } from './ceb/codec.js';
import type { IntakeError } from './model.js';
import { parseDeclaration } from './parse.js';
import { buildCebUnsigned } from './signature/sign-message.js';
import { type CebSigningKey, signCeb, verifyCeb } from './signature/xmldsig.js';

export type FileCheck = {
  ok: boolean;
  type: string;
  records: number;
  signature?: 'valid' | 'invalid' | 'absent';
  errors: (IntakeError & { line?: number })[];
  warnings: { path: string; message: { zh: string; en: string } }[];
};

function read(file: string): { body: Buffer | unknown; contentType: 'xml' | 'json' } | { error: IntakeError } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return {
      error: {
        code: '0001',
        path: file,
        message: { zh: '无法读取文件', en: `cannot read the file: ${(e as Error).message}` },
      },
    };
  }
  const start = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (start.startsWith('{')) {
    try {
      return { body: JSON.parse(bytes.toString('utf8')), contentType: 'json' };
    } catch (e) {
      return {
        error: {
          code: '0001',
          path: '',
          message: { zh: 'JSON 格式错误', en: `malformed JSON: ${(e as Error).message}` },
        },
      };
    }
  }
  return { body: bytes, contentType: 'xml' };
}

export function checkFile(file: string, opts: { verifySignature: boolean }): FileCheck {
  const input = read(file);
  if ('error' in input) return { ok: false, type: 'Unknown', records: 0, errors: [input.error], warnings: [] };
  const outcome = parseDeclaration(input.body, input.contentType);
  if (!outcome.ok) return { ok: false, type: 'Unknown', records: 0, errors: outcome.errors, warnings: [] };
  const { message, xml, warnings } = outcome.parsed;
  const result: FileCheck = {
    ok: true,
    type: message.type,
    records: message.records.length,
    errors: [],
    warnings: warnings.map((w) => ({ path: w.path, message: { zh: w.message, en: w.messageEn } })),
  };
  if (opts.verifySignature) {
    if (!message.signature || !xml) {
      result.signature = 'absent';
      result.errors.push({
        code: '1001',
        path: `${message.type}/Signature`,
        message: { zh: '报文没有签名', en: 'the message carries no signature' },
      });
    } else {
      const v = verifyCeb(xml);
      result.signature = v.ok ? 'valid' : 'invalid';
      if (!v.ok)
        for (const e of v.errors)
          result.errors.push({ code: e.code, path: `${message.type}/Signature`, message: e.message });
    }
  }
  result.ok = result.errors.length === 0;
  return result;
}

export function convertFile(
  file: string,
  to: 'json' | 'xml',
): { ok: true; output: string } | { ok: false; errors: IntakeError[] } {
  const input = read(file);
  if ('error' in input) return { ok: false, errors: [input.error] };
  const outcome = parseDeclaration(input.body, input.contentType);
  if (!outcome.ok) return { ok: false, errors: outcome.errors };
  const message: CebMessage = outcome.parsed.message;
  if (to === 'json') return { ok: true, output: `${JSON.stringify(message, null, 2)}\n` };
  try {
    return { ok: true, output: buildCeb(message) };
  } catch (e) {
    const errors =
      (e as { errors?: { code: '0001' | '0002'; path: string; message: { zh: string; en: string } }[] }).errors ?? [];
    return { ok: false, errors: errors.map((x) => ({ code: x.code, path: x.path, message: x.message })) };
  }
}

/** The bytes of a message file to sign (a path, or 0 for standard input). */
export function readSignable(file: string | 0): Buffer {
  return readFileSync(file);
}

/**
 * Signs a message (XML or its JSON form): parsed and schema-checked as at the intake (an existing signature is
 * replaced), then rebuilt and signed with the key. The output is what the intake verifies.
 */
export function signFile(
  bytes: Buffer,
  key: CebSigningKey,
): { ok: true; output: string } | { ok: false; errors: IntakeError[] } {
  const start = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  let body: Buffer | unknown = bytes;
  if (start.startsWith('{')) {
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      return {
        ok: false,
        errors: [
          { code: '0001', path: '', message: { zh: 'JSON 格式错误', en: `malformed JSON: ${(e as Error).message}` } },
        ],
      };
    }
  }
  const isJson = start.startsWith('{');
  try {
    // XML is signed as it is (a Signature it carries is replaced); JSON is built into XML first
    let output: string;
    if (isJson) {
      const outcome = parseDeclaration(body, 'json');
      if (!outcome.ok) return { ok: false, errors: outcome.errors };
      output = signCeb(buildCebUnsigned({ ...outcome.parsed.message, signature: undefined }), key);
    } else {
      output = signCeb(bytes, key, { replaceExisting: true });
    }
    const check = parseDeclaration(Buffer.from(output), 'xml');
    if (!check.ok) return { ok: false, errors: check.errors };
    return { ok: true, output };
  } catch (e) {
    return {
      ok: false,
      errors: [{ code: '1001', path: 'Signature', message: { zh: '无法签名', en: (e as Error).message } }],
    };
  }
}

/**
 * The declarer a message to sign names (BaseTransfer copCode: the sending enterprise, whose certificate must sign
 * it), from XML or the JSON form; null when it names none.
 */
export function declarerOf(bytes: Buffer): string | null {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('{')) {
    try {
      const code = (JSON.parse(text) as { baseTransfer?: { copCode?: unknown } }).baseTransfer?.copCode;
      return typeof code === 'string' && code.trim() ? code.trim() : null;
    } catch {
      return null;
    }
  }
  const transfer = /<(?:[\w-]+:)?BaseTransfer\b[\s\S]*?<\/(?:[\w-]+:)?BaseTransfer>/.exec(text)?.[0] ?? '';
  const code = /<(?:[\w-]+:)?copCode>\s*([^<\s][^<]*?)\s*<\//.exec(transfer)?.[1];
  return code ?? null;
}
