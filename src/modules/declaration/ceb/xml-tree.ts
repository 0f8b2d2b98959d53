/**
 * A small, safe, namespace-aware XML tree built with saxes. Used by the CEB codec (to read messages) and by
 * tools/ceb-codegen.ts (to read the official XSDs).
 *
 * Safety (ceb-messages.md §2 / platform-decisions.md "Messages": receivers face untrusted input):
 * - any DOCTYPE or ENTITY declaration is refused before parsing, so there is no XXE and no entity expansion
 *   (saxes itself never fetches anything, and without a DTD only the five predefined entities exist);
 * - element depth, input size and element count are capped;
 * - parse errors never throw: they come back as a value.
 */
import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  /** Local name, without prefix. */
  local: string;
  /** Prefix as written ('' when none); kept only for messages. */
  prefix: string;
  /** Attributes keyed by local name; only attributes without a namespace (namespaced ones go to nsAttributes). */
  attributes: Record<string, string>;
  nsAttributes: { ns: string; local: string; value: string }[];
  children: XmlElement[];
  /** Concatenated character data directly inside this element (text and CDATA). */
  text: string;
  /** One-based line of the start tag. */
  line: number;
}

export interface XmlTreeLimits {
  maxDepth: number;
  maxBytes: number;
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlTreeLimits = { maxDepth: 64, maxBytes: 16 * 1024 * 1024, maxElements: 200_000 };

export type XmlTreeResult =
  | { ok: true; root: XmlElement; hadBom: boolean }
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

/** Decodes a Buffer as UTF-8 (the only encoding the CEB standard uses), rejecting invalid byte sequences. */
function decode(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  return UTF8.decode(input);
}

/** Parses XML text into a tree. Never throws. */
export function parseXmlTree(input: string | Uint8Array, limits: XmlTreeLimits = DEFAULT_XML_LIMITS): XmlTreeResult {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > limits.maxBytes) {
    return { ok: false, message: `document larger than ${limits.maxBytes} bytes`, messageZh: '报文超过大小限制' };
  }
  let text: string;
  try {
    text = decode(input);
  } catch {
    return { ok: false, message: 'document is not valid UTF-8', messageZh: '报文不是有效的UTF-8编码' };
  }
  const hadBom = text.charCodeAt(0) === 0xfeff;
  if (hadBom) text = text.slice(1);

  // Refuse DTDs outright, before the parser sees anything (no XXE, no billion laughs).
  const dtd = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (dtd) {
    const line = text.slice(0, dtd.index).split('\n').length;
    return {
      ok: false,
      message: `${dtd[1]?.toUpperCase()} declarations are not allowed`,
      messageZh: '报文不允许包含DOCTYPE或ENTITY声明',
      line,
    };
  }
  const declared = /^<\?xml[^?]*encoding\s*=\s*["']([^"']+)["']/.exec(text);
  if (declared && !/^utf-?8$/i.test(declared[1] ?? '')) {
    return {
      ok: false,
      message: `unsupported encoding ${declared[1]}: UTF-8 is required`,
      messageZh: '报文编码必须为UTF-8',
      line: 1,
    };
  }

  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;

  parser.on('error', (err) => {
    throw new StopParsing('报文不是格式正确的XML', err.message, parser.line);
  });
  parser.on('doctype', () => {
    throw new StopParsing('报文不允许包含DOCTYPE或ENTITY声明', 'DOCTYPE declarations are not allowed', parser.line);
  });
  let tagLine = 1;
  parser.on('opentagstart', () => {
    tagLine = parser.line;
  });
  parser.on('opentag', (tag) => {
    count += 1;
    if (count > limits.maxElements) {
      throw new StopParsing('报文元素过多', `more than ${limits.maxElements} elements`, parser.line);
    }
    if (stack.length >= limits.maxDepth) {
      throw new StopParsing('报文嵌套层级过深', `elements nested deeper than ${limits.maxDepth}`, parser.line);
    }
    const el: XmlElement = {
      ns: tag.uri ?? '',
      local: tag.local ?? tag.name,
      prefix: tag.prefix ?? '',
      attributes: {},
      nsAttributes: [],
      children: [],
      text: '',
      line: tagLine,
    };
    for (const attr of Object.values(tag.attributes)) {
      if (attr.prefix === 'xmlns' || attr.name === 'xmlns') continue;
      if (attr.uri) el.nsAttributes.push({ ns: attr.uri, local: attr.local, value: attr.value });
      else el.attributes[attr.local] = attr.value;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof StopParsing)
      return { ok: false, message: err.message, messageZh: err.messageZh, line: err.line };
    return { ok: false, message: String(err), messageZh: '报文不是格式正确的XML' };
  }
  if (!root) return { ok: false, message: 'no root element', messageZh: '报文没有根元素' };
  return { ok: true, root, hadBom };
}

/** Escapes character data and attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return '&#13;';
    }
  });
}

/**
 * Serialises an element of foreign content (e.g. the xs:any inside ExtendMessage/Message) so that it stands on its
 * own: every namespace change is declared with a default-namespace declaration.
 */
export function serializeElement(el: XmlElement, parentNs = ''): string {
  let out = `<${el.local}`;
  if (el.ns !== parentNs) out += ` xmlns="${escapeXml(el.ns)}"`;
  for (const [name, value] of Object.entries(el.attributes)) out += ` ${name}="${escapeXml(value)}"`;
  el.nsAttributes.forEach((a, i) => {
    out += ` xmlns:a${i}="${escapeXml(a.ns)}" a${i}:${a.local}="${escapeXml(a.value)}"`;
  });
  if (el.children.length === 0 && el.text === '') return `${out}/>`;
  out += '>';
  if (el.children.length === 0) out += escapeXml(el.text);
  for (const child of el.children) out += serializeElement(child, el.ns);
  return `${out}</${el.local}>`;
}
