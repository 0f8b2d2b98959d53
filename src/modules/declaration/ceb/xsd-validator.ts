/**
 * Validation against the official 2022-05 XSDs (vendor/ceb/xsd) with libxml2 compiled to WebAssembly.
 *
 * Each schema is compiled once, on first use, and kept for the life of the process. The schemas import
 * xmldsig-core-schema.xsd; it is served from memory by a buffer input provider, so libxml2 never touches the
 * file system or the network while validating. Errors map to the data-exchange code 0002 ("数据包不能通过schema验证",
 * ceb-messages.md §5.1) with libxml2's line and message; a document libxml2 cannot parse maps to 0001.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ParseOption,
  XmlBufferInputProvider,
  XmlDocument,
  XmlError,
  XsdValidator,
  xmlRegisterInputProvider,
} from 'libxml2-wasm';
import type { CebError } from './codec.js';
import { CEB_MESSAGE_DEFS, type CebMessageType } from './definitions.generated.js';
import { hasLoneSurrogates } from './xml-tree.js';

export const XSD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../vendor/ceb/xsd');

export type CebSchemaName = 'import' | 'export' | 'terminal';

const SCHEMA_FILES: Record<CebSchemaName, string> = {
  import: 'ceb-import-202205.xsd',
  export: 'ceb-export-202205.xsd',
  terminal: 'ceb-terminal-202205.xsd',
};

/** No entity substitution, no DTD loading, no external entities, no network. */
const SAFE_PARSE = { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE };

const validators = new Map<CebSchemaName, XsdValidator>();
let providerRegistered = false;

function schemaUrl(file: string): string {
  return path.join(XSD_DIR, file);
}

function validatorFor(schema: CebSchemaName): XsdValidator {
  const cached = validators.get(schema);
  if (cached) return cached;
  if (!providerRegistered) {
    const dsig = schemaUrl('xmldsig-core-schema.xsd');
    xmlRegisterInputProvider(new XmlBufferInputProvider({ [dsig]: readFileSync(dsig) }));
    providerRegistered = true;
  }
  const file = schemaUrl(SCHEMA_FILES[schema]);
  const doc = XmlDocument.fromBuffer(readFileSync(file), { ...SAFE_PARSE, url: file });
  try {
    const validator = XsdValidator.fromDoc(doc);
    validators.set(schema, validator);
    return validator;
  } finally {
    doc.dispose();
  }
}

/** Validates `xml` against one of the official schemas; returns [] when valid. Never throws on bad input. */
export function validateAgainstXsd(xml: string | Uint8Array, schema: CebSchemaName): CebError[] {
  const validator = validatorFor(schema);
  let doc: XmlDocument;
  try {
    doc =
      typeof xml !== 'string'
        ? XmlDocument.fromBuffer(xml, SAFE_PARSE)
        : xml === '' || hasLoneSurrogates(xml)
          ? XmlDocument.fromString(xml, SAFE_PARSE) // (an empty string and lone surrogates: its own messages)
          : // the same UTF-8 bytes as fromString's own encoder (a JavaScript loop, a third of the parse time)
            XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'), SAFE_PARSE);
  } catch (err) {
    return libxmlErrors(err, '0001');
  }
  try {
    validator.validate(doc);
    return [];
  } catch (err) {
    return libxmlErrors(err, '0002');
  } finally {
    doc.dispose();
  }
}

function libxmlErrors(err: unknown, code: CebError['code']): CebError[] {
  if (err instanceof XmlError && 'details' in err && Array.isArray(err.details) && err.details.length > 0) {
    return err.details.map((d: { message: string; line?: number }) => ({
      code,
      path: '',
      line: d.line,
      message: {
        zh: code === '0001' ? `报文格式错误：${d.message.trim()}` : `数据包不能通过schema验证：${d.message.trim()}`,
        en: d.message.trim(),
      },
    }));
  }
  const message = err instanceof Error ? err.message : String(err);
  return [{ code, path: '', message: { zh: `数据包不能通过schema验证：${message}`, en: message } }];
}

/** Validates a CEB message against the schema of its trade (ceb-messages.md §1.2 import, §1.3 export). */
export function validateCebXml(xml: string | Uint8Array, type: CebMessageType): CebError[] {
  return validateAgainstXsd(xml, CEB_MESSAGE_DEFS[type].trade);
}
