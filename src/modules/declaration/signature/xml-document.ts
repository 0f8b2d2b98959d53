/**
 * A full-fidelity, namespace-aware XML document model for XML-DSig (ceb-messages.md §8): unlike the codec's
 * xml-tree.ts (which keeps only what the CEB mapping needs), it keeps everything Canonical XML renders: mixed
 * content in order, comments and processing instructions (also outside the root), namespace declarations as
 * written, attributes with their namespace, plus the source offsets of each element so that a signature can be
 * inserted into the original text without re-serialising it.
 *
 * The gate is the same as xml-tree.ts (parseXmlTree), applied before saxes sees a byte:
 * - any `<!DOCTYPE` / `<!ENTITY` anywhere is refused (no XXE, no entity expansion, no DTD-defaulted attributes,
 *   which would also change the canonical form); saxes' own doctype event is a second line of defence;
 * - UTF-8 only (invalid byte sequences refused), XML 1.0 only (Canonical XML 1.0 is defined for XML 1.0);
 * - the size, depth and element-count caps of DEFAULT_XML_LIMITS;
 * - errors are values, never exceptions.
 * test/signature/c14n.test.ts checks that every input parseXmlTree refuses for a DTD is refused here too.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

type DocHandlers = {
  errorHandler?: (err: Error) => void;
  doctypeHandler?: () => void;
  openTagStartHandler?: (tag: { name: string }) => void;
  openTagHandler?: (tag: SaxesTagNS) => void;
  closeTagHandler?: (tag: { isSelfClosing: boolean }) => void;
  textHandler?: (value: string) => void;
  cdataHandler?: (value: string) => void;
  commentHandler?: (value: string) => void;
  piHandler?: (pi: { target: string; body: string }) => void;
};

/** saxes with its handlers set once, in the constructor (see parseXmlDocument). */
class DocParser extends SaxesParser<{ xmlns: true; position: boolean }> {
  constructor(position: boolean, handlers: DocHandlers) {
    super({ xmlns: true, position });
    Object.assign(this, handlers);
  }
}

import { DEFAULT_XML_LIMITS, type XmlTreeLimits } from '../ceb/xml-tree.js';

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

export interface XAttr {
  /** Qualified name as written. */
  name: string;
  prefix: string;
  local: string;
  /** Namespace URI ('' for an unprefixed attribute). */
  uri: string;
  /** Value after attribute-value normalisation and reference expansion. */
  value: string;
}

export interface XElement {
  type: 'element';
  name: string;
  prefix: string;
  local: string;
  uri: string;
  /** Namespace declarations on this element, as written (prefix '' is the default namespace; uri '' undeclares it). */
  nsDecls: { prefix: string; uri: string }[];
  /** Attributes other than namespace declarations, in document order. */
  attrs: XAttr[];
  children: XNode[];
  parent: XElement | null;
  /** Offset of '<' of the start tag in XmlDocument.source. */
  start: number;
  /** Offset just after the end tag's '>' (or after '/>' of an empty-element tag). */
  end: number;
  /** Offset of '</' of the end tag (= end for an empty-element tag). */
  endTagStart: number;
  line: number;
}

/** Character data: adjacent text and CDATA sections merged, line endings normalised to \n. */
export interface XText {
  type: 'text';
  value: string;
}

export interface XComment {
  type: 'comment';
  value: string;
}

export interface XProcessingInstruction {
  type: 'pi';
  target: string;
  /** The data after the target and its separating white space ('' when none). */
  body: string;
}

export type XNode = XElement | XText | XComment | XProcessingInstruction;

export interface XmlDocument {
  root: XElement;
  /** Comments and processing instructions before the root element (the XML declaration is not one). */
  before: (XComment | XProcessingInstruction)[];
  /** Comments and processing instructions after the root element. */
  after: (XComment | XProcessingInstruction)[];
  /** The text that was parsed (decoded, without the BOM); element offsets index into it. */
  source: string;
  hadBom: boolean;
}

export type XmlDocumentResult =
  | { ok: true; doc: XmlDocument }
  | { ok: false; message: string; messageZh: string; line?: number };

class StopParsing extends Error {
  constructor(
    readonly messageZh: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface ParseXmlDocumentOptions {
  limits?: XmlTreeLimits;
  /**
   * Track element offsets and lines (default true). Verification does not need them and parses ~20% faster
   * without; the offsets (start/end/endTagStart) and lines are then -1 / 0.
   */
  positions?: boolean;
}

/** Parses a document for canonicalisation and signing. Never throws. */
export function parseXmlDocument(input: string | Uint8Array, opts: ParseXmlDocumentOptions = {}): XmlDocumentResult {
  const limits = opts.limits ?? DEFAULT_XML_LIMITS;
  const positions = opts.positions ?? true;
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > limits.maxBytes) {
    return { ok: false, message: `document larger than ${limits.maxBytes} bytes`, messageZh: '报文超过大小限制' };
  }
  let text: string;
  try {
    text = typeof input === 'string' ? input : UTF8.decode(input);
  } catch {
    return { ok: false, message: 'document is not valid UTF-8', messageZh: '报文不是有效的UTF-8编码' };
  }
  const hadBom = text.charCodeAt(0) === 0xfeff;
  if (hadBom) text = text.slice(1);

  const dtd = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (dtd) {
    return {
      ok: false,
      message: `${dtd[1]?.toUpperCase()} declarations are not allowed`,
      messageZh: '报文不允许包含DOCTYPE或ENTITY声明',
      line: text.slice(0, dtd.index).split('\n').length,
    };
  }
  const decl = /^<\?xml\s[^?]*\?>/.exec(text)?.[0];
  if (decl) {
    const encoding = /encoding\s*=\s*["']([^"']+)["']/.exec(decl)?.[1];
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
      return {
        ok: false,
        message: `unsupported encoding ${encoding}: UTF-8 is required`,
        messageZh: '报文编码必须为UTF-8',
        line: 1,
      };
    }
    const version = /version\s*=\s*["']([^"']+)["']/.exec(decl)?.[1];
    if (version !== undefined && version !== '1.0') {
      return { ok: false, message: `XML ${version} is not supported`, messageZh: '仅支持XML 1.0', line: 1 };
    }
  }

  // Handlers are set as properties in the parser's constructor (DocParser): registering them with .on() turns the
  // saxes parser into a dictionary-mode object in V8, about 4x slower.
  const h: DocHandlers = {};
  const stack: XElement[] = [];
  const before: XmlDocument['before'] = [];
  const after: XmlDocument['after'] = [];
  let root: XElement | undefined;
  let count = 0;
  let tagStart = 0;
  let tagLine = 1;

  const append = (node: XText | XComment | XProcessingInstruction) => {
    const top = stack[stack.length - 1];
    if (top) {
      const last = top.children[top.children.length - 1];
      if (node.type === 'text' && last?.type === 'text') last.value += node.value;
      else top.children.push(node);
    } else if (node.type !== 'text') (root ? after : before).push(node);
    // character data outside the root can only be white space (saxes refuses anything else): C14N drops it
  };

  h.errorHandler = (err) => {
    throw new StopParsing('报文不是格式正确的XML', err.message, parser.line);
  };
  h.doctypeHandler = () => {
    throw new StopParsing('报文不允许包含DOCTYPE或ENTITY声明', 'DOCTYPE declarations are not allowed', parser.line);
  };
  if (positions) {
    h.openTagStartHandler = (tag) => {
      // saxes reports the position after the character that ended the name: search back for '<name'
      tagStart = text.lastIndexOf(`<${tag.name}`, parser.position);
      tagLine = parser.line;
    };
  } else {
    tagStart = -1;
    tagLine = 0;
  }
  h.openTagHandler = (tag: SaxesTagNS) => {
    count += 1;
    if (count > limits.maxElements) {
      throw new StopParsing('报文元素过多', `more than ${limits.maxElements} elements`, parser.line);
    }
    if (stack.length >= limits.maxDepth) {
      throw new StopParsing('报文嵌套层级过深', `elements nested deeper than ${limits.maxDepth}`, parser.line);
    }
    const parent = stack[stack.length - 1] ?? null;
    const el: XElement = {
      type: 'element',
      name: tag.name,
      prefix: tag.prefix,
      local: tag.local,
      uri: tag.uri,
      nsDecls: [],
      attrs: [],
      children: [],
      parent,
      start: tagStart,
      end: -1,
      endTagStart: -1,
      line: tagLine,
    };
    for (const attr of Object.values(tag.attributes)) {
      if (attr.name === 'xmlns') el.nsDecls.push({ prefix: '', uri: attr.value });
      else if (attr.prefix === 'xmlns') el.nsDecls.push({ prefix: attr.local, uri: attr.value });
      else el.attrs.push({ name: attr.name, prefix: attr.prefix, local: attr.local, uri: attr.uri, value: attr.value });
    }
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  };
  h.closeTagHandler = (tag) => {
    const el = stack.pop();
    if (!el || !positions) return;
    el.end = parser.position;
    el.endTagStart = tag.isSelfClosing ? el.end : text.lastIndexOf('</', el.end - 1);
  };
  h.textHandler = (value) => append({ type: 'text', value });
  h.cdataHandler = (value) => append({ type: 'text', value });
  h.commentHandler = (value) => append({ type: 'comment', value });
  h.piHandler = (pi) => append({ type: 'pi', target: pi.target, body: pi.body });

  const parser = new DocParser(positions, h);

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof StopParsing)
      return { ok: false, message: err.message, messageZh: err.messageZh, line: err.line };
    return { ok: false, message: String(err), messageZh: '报文不是格式正确的XML' };
  }
  if (!root) return { ok: false, message: 'no root element', messageZh: '报文没有根元素' };
  return { ok: true, doc: { root, before, after, source: text, hadBom } };
}

/** The namespaces in scope on `el` (prefix → URI; '' → '' when no default namespace), nearest declaration wins. */
export function inScopeNamespaces(el: XElement): Map<string, string> {
  const chain: XElement[] = [];
  for (let e: XElement | null = el; e; e = e.parent) chain.push(e);
  const out = new Map<string, string>([['', '']]);
  for (let i = chain.length - 1; i >= 0; i--) for (const d of chain[i]!.nsDecls) out.set(d.prefix, d.uri);
  return out;
}

/** Child elements of `el`. */
export function childElements(el: XElement): XElement[] {
  return el.children.filter((c): c is XElement => c.type === 'element');
}

/** Concatenated character data directly inside `el`. */
export function textOf(el: XElement): string {
  let out = '';
  for (const c of el.children) if (c.type === 'text') out += c.value;
  return out;
}
