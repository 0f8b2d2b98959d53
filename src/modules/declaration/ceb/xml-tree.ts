/**
 * A small, safe, namespace-aware XML tree. Used by the CEB codec (to read messages), the DxpMsg envelope and
 * tools/ceb-codegen.ts (to read the official XSDs). A fast scanner reads the ordinary documents; saxes reads the
 * others and decides every error (see "The fast scanner" below).
 *
 * Safety (ceb-messages.md §2 / platform-decisions.md "Messages": receivers face untrusted input):
 * - any DOCTYPE or ENTITY declaration is refused before parsing, so there is no XXE and no entity expansion
 *   (saxes itself never fetches anything, and without a DTD only the five predefined entities exist);
 * - element depth, input size and element count are capped;
 * - parse errors never throw: they come back as a value.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

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

/** The first `<!DOCTYPE` or `<!ENTITY` (ASCII case-insensitive, as /<!(DOCTYPE|ENTITY)/i), or null. */
function findDtd(text: string): { index: number; keyword: string } | null {
  for (let i = text.indexOf('<!'); i !== -1; i = text.indexOf('<!', i + 2)) {
    if (asciiKeywordAt(text, i + 2, 'doctype')) return { index: i, keyword: 'DOCTYPE' };
    if (asciiKeywordAt(text, i + 2, 'entity')) return { index: i, keyword: 'ENTITY' };
  }
  return null;
}

/** Whether `lower` (lower-case ASCII letters) is at `at`, ignoring ASCII case. */
function asciiKeywordAt(text: string, at: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    // (c | 0x20) maps only 'A'..'Z' onto 'a'..'z' among the characters that can equal a lower-case letter.
    if ((text.charCodeAt(at + k) | 0x20) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Parses XML text into a tree. Never throws. */
export function parseXmlTree(input: string | Uint8Array, limits: XmlTreeLimits = DEFAULT_XML_LIMITS): XmlTreeResult {
  return parseTree(input, limits, false);
}

/** parseXmlTree through saxes only, without the fast scanner: the reference, for tests and benchmarks. */
export function parseXmlTreeWithSaxes(
  input: string | Uint8Array,
  limits: XmlTreeLimits = DEFAULT_XML_LIMITS,
): XmlTreeResult {
  return parseTree(input, limits, true);
}

function parseTree(input: string | Uint8Array, limits: XmlTreeLimits, saxesOnly: boolean): XmlTreeResult {
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
  const dtd = findDtd(text);
  if (dtd) {
    const line = text.slice(0, dtd.index).split('\n').length;
    return {
      ok: false,
      message: `${dtd.keyword} declarations are not allowed`,
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

  // The fast scanner reads the plain documents every sender produces; whatever it is not sure of (and every
  // error) goes to saxes, which gives the authoritative result and messages.
  // Text decoded from bytes has no lone surrogates (the decoder refuses them): only strings need that check.
  const root = saxesOnly ? null : scanPlainXml(text, limits, typeof input === 'string');
  if (root) return { ok: true, root, hadBom };
  return parseWithSaxes(text, limits, hadBom);
}

// ---------------------------------------------------------------------------------------------------------------
// saxes: the reference parser (any document the fast scanner declines, and all errors)
// ---------------------------------------------------------------------------------------------------------------

type TreeHandlers = {
  errorHandler: (err: Error) => void;
  doctypeHandler: (doctype: string) => void;
  openTagStartHandler: () => void;
  openTagHandler: (tag: SaxesTagNS) => void;
  closeTagHandler: () => void;
  textHandler: (text: string) => void;
  cdataHandler: (text: string) => void;
};

/**
 * saxes with its handlers assigned in the constructor. SaxesParser#on() adds each handler with a keyed store;
 * after six of them V8 turns the parser into a dictionary-mode object and every field access of the parsing loop
 * becomes a hash lookup (about 4× slower). Named stores in the constructor keep it a fast object.
 */
class TreeParser extends SaxesParser<{ xmlns: true; position: true }> {
  constructor(handlers: TreeHandlers) {
    super({ xmlns: true, position: true });
    const self = this as unknown as TreeHandlers;
    self.errorHandler = handlers.errorHandler;
    self.doctypeHandler = handlers.doctypeHandler;
    self.openTagStartHandler = handlers.openTagStartHandler;
    self.openTagHandler = handlers.openTagHandler;
    self.closeTagHandler = handlers.closeTagHandler;
    self.textHandler = handlers.textHandler;
    self.cdataHandler = handlers.cdataHandler;
  }
}

function parseWithSaxes(text: string, limits: XmlTreeLimits, hadBom: boolean): XmlTreeResult {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let tagLine = 1;
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  const parser: TreeParser = new TreeParser({
    errorHandler: (err) => {
      throw new StopParsing('报文不是格式正确的XML', err.message, parser.line);
    },
    doctypeHandler: () => {
      throw new StopParsing('报文不允许包含DOCTYPE或ENTITY声明', 'DOCTYPE declarations are not allowed', parser.line);
    },
    openTagStartHandler: () => {
      tagLine = parser.line;
    },
    openTagHandler: (tag) => {
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
    },
    closeTagHandler: () => {
      stack.pop();
    },
    textHandler: onText,
    cdataHandler: onText,
  });

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

// ---------------------------------------------------------------------------------------------------------------
// The fast scanner
// ---------------------------------------------------------------------------------------------------------------
//
// It accepts a subset of XML 1.0 + namespaces and returns exactly the tree the saxes path would build, or null:
// ASCII names (prefix:local, NCNames), quoted attributes, the five predefined entities and character references,
// comments and CDATA sections inside the root, an optional `<?xml version="1.0" ...?>` declaration, ordinary
// namespace declarations. It returns null (and saxes takes over) on anything else: other processing instructions,
// non-ASCII names, unusual namespace declarations, and every error or exceeded limit, so that the messages, lines
// and the set of accepted documents stay those of saxes. It works with indexOf over the text instead of a state
// machine per character, and computes the start-tag lines (saxes' line at the character after the name) by
// counting line feeds only up to each start tag. parseXmlTreeWithSaxes gives the reference result to compare with.

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** Characters XML 1.0 does not allow anywhere (saxes: "disallowed character"); surrogates are checked apart. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters XML 1.0 forbids
const DISALLOWED_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `s` has a lone surrogate (is not well-formed UTF-16): String#isWellFormed where there is one. */
export function hasLoneSurrogates(s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === 'function' ? !native.call(s) : LONE_SURROGATE.test(s);
}

const XML_DECL =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.0"|'1\.0')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/y;
const DEC_REF = /^#[0-9]+$/;
const HEX_REF = /^#x[0-9a-fA-F]+$/;
const ATTR_WS = /[\t\n]/g;

/** 3: may start (and continue) an NCName, 2: may only continue one. ASCII only: other names go to saxes. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) NAME_CHAR[c] = 3;
  else if (/[0-9.-]/.test(ch)) NAME_CHAR[c] = 2;
}
const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const COLON = 0x3a;
const EQ = 0x3d;
const BANG = 0x21;
const QUESTION = 0x3f;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09;

/** Namespace bindings in scope: a linked list, innermost first, ending with the predeclared xml and xmlns. */
type Binding = { prefix: string; uri: string; next: Binding | null };
const PREDECLARED: Binding = {
  prefix: 'xml',
  uri: XML_NAMESPACE,
  next: { prefix: 'xmlns', uri: XMLNS_NAMESPACE, next: null },
};

function lookup(bindings: Binding | null, prefix: string): string | undefined {
  for (let b = bindings; b !== null; b = b.next) if (b.prefix === prefix) return b.uri;
  return undefined;
}

/** XML 1.0 Char, for character references. */
function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

/** Replaces the predefined entities and character references; null when saxes would refuse one. */
function decodeReferences(s: string): string | null {
  let out = '';
  let from = 0;
  for (let amp = s.indexOf('&'); amp !== -1; amp = s.indexOf('&', from)) {
    const semi = s.indexOf(';', amp + 1);
    if (semi === -1) return null;
    const name = s.slice(amp + 1, semi);
    let ch: string;
    switch (name) {
      case 'amp':
        ch = '&';
        break;
      case 'lt':
        ch = '<';
        break;
      case 'gt':
        ch = '>';
        break;
      case 'quot':
        ch = '"';
        break;
      case 'apos':
        ch = "'";
        break;
      default: {
        let code: number;
        if (HEX_REF.test(name)) code = Number.parseInt(name.slice(2), 16);
        else if (DEC_REF.test(name)) code = Number.parseInt(name.slice(1), 10);
        else return null;
        if (!isXmlChar(code)) return null;
        ch = String.fromCodePoint(code);
      }
    }
    out += s.slice(from, amp) + ch;
    from = semi + 1;
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Hash of the name read by the last scanQName (module state rather than an object per call). */
let scannedHash = 0;

/** The end of the ASCII QName starting at `i` (prefix:local, both NCNames), or -1 when it is not one. */
function scanQName(text: string, i: number): number {
  let c = text.charCodeAt(i);
  if (!(c < 128 && NAME_CHAR[c] === 3)) return -1;
  let hash = c;
  let colon = -1;
  for (i++; ; i++) {
    c = text.charCodeAt(i);
    if (c < 128 && NAME_CHAR[c] !== 0) {
      hash = (Math.imul(hash, 31) + c) | 0;
      continue;
    }
    if (c !== COLON) break;
    if (colon !== -1) return -1;
    colon = i;
    hash = (Math.imul(hash, 31) + c) | 0;
    const next = text.charCodeAt(i + 1);
    if (!(next < 128 && NAME_CHAR[next] === 3)) return -1;
  }
  scannedHash = hash;
  return i;
}

/** A qualified name split into prefix and local name, all three internalised strings. */
interface QName {
  qname: string;
  prefix: string;
  local: string;
}

/**
 * The names met recently, in a small two-way set-associative cache: a document (and the next one) repeats the same
 * few names thousands of times. Taking the cached strings saves slicing three strings per tag and, because they
 * are internalised, makes the codec's lookups by name (Map#get, ===) cheap. Bounded, whatever the input.
 */
const NAME_SETS = 1024;
const nameCache: (QName | undefined)[] = new Array(NAME_SETS * 2).fill(undefined);

const cachedAt = (slot: number, text: string, start: number, end: number): QName | undefined => {
  const cached = nameCache[slot];
  return cached !== undefined && cached.qname.length === end - start && text.startsWith(cached.qname, start)
    ? cached
    : undefined;
};

/** The QName of text[start, end) (just read by scanQName). */
function qnameAt(text: string, start: number, end: number): QName {
  let h = scannedHash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  const slot = (h & (NAME_SETS - 1)) * 2;
  const found = cachedAt(slot, text, start, end) ?? cachedAt(slot + 1, text, start, end);
  if (found !== undefined) return found;
  const qname = intern(text.slice(start, end));
  const colon = qname.indexOf(':');
  const name: QName = {
    qname,
    prefix: colon === -1 ? '' : intern(qname.slice(0, colon)),
    local: colon === -1 ? qname : intern(qname.slice(colon + 1)),
  };
  nameCache[slot + 1] = nameCache[slot];
  nameCache[slot] = name;
  return name;
}

/** Namespace URIs met recently, internalised (a few per document; emptied when it grows). */
const uriCache = new Map<string, string>();

function internUri(uri: string): string {
  let interned = uriCache.get(uri);
  if (interned === undefined) {
    if (uriCache.size >= 256) uriCache.clear();
    interned = intern(uri);
    uriCache.set(interned, interned);
  }
  return interned;
}

/**
 * The internalised copy of `s` (V8 keeps one copy of each property name): the same string as equal literals in the
 * code, so that comparing with them is a pointer comparison.
 */
function intern(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

const MAX_DECLARATIONS = 64;
const MAX_ATTRIBUTES = 64;

type PendingAttr = { name: string; prefix: string; local: string; value: string };

/** Reads `text` (BOM removed) with the fast scanner; null when saxes must decide. */
function scanPlainXml(source: string, limits: XmlTreeLimits, checkSurrogates: boolean): XmlElement | null {
  if (DISALLOWED_CHAR.test(source)) return null;
  if (checkSurrogates && hasLoneSurrogates(source)) return null;
  if (source.charCodeAt(0) === 0xfeff) return null; // a second BOM, which saxes skips
  // End-of-line handling (XML 1.0 §2.11), as saxes does while reading: CR LF and lone CR become LF.
  const text = source.indexOf('\r') === -1 ? source : source.replace(/\r\n?/g, '\n');
  const end = text.length;

  let line = 1;
  let nextLf = text.indexOf('\n');
  /** The line number after reading the character at `at` (saxes' `line` at that point). */
  const lineAt = (at: number): number => {
    while (nextLf !== -1 && nextLf <= at) {
      line += 1;
      nextLf = text.indexOf('\n', nextLf + 1);
    }
    return line;
  };
  let nextAmp = -2;
  let nextCdataEnd = -2;

  let p = 0;
  if (text.startsWith('<?xml')) {
    XML_DECL.lastIndex = 0;
    if (!XML_DECL.test(text)) return null;
    p = XML_DECL.lastIndex;
  }
  // Prolog: white space and comments, then the root's start tag.
  for (;;) {
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    if (text.startsWith('<!--', p)) {
      p = skipComment(text, p);
      if (p === -1) return null;
    } else if (text.charCodeAt(p) === LT && text.charCodeAt(p + 1) !== BANG && text.charCodeAt(p + 1) !== QUESTION) {
      break;
    } else return null;
  }

  const stack: XmlElement[] = [];
  const qnames: string[] = [];
  const scopes: (Binding | null)[] = [];
  let bindings: Binding | null = PREDECLARED;
  let root: XmlElement | null = null;
  let count = 0;
  /** Namespace declarations read so far (all of them, in or out of scope: a bound on the scope's length). */
  let declarations = 0;
  const attrs: PendingAttr[] = [];

  // p is at a '<' inside the root (or at the root's start tag).
  for (;;) {
    const c1 = text.charCodeAt(p + 1);
    if (c1 === SLASH) {
      // Close tag: the name of the open element, optional white space, '>'.
      const top = stack.pop();
      const qname = qnames.pop();
      if (top === undefined || qname === undefined || !text.startsWith(qname, p + 2)) return null;
      let i = p + 2 + qname.length;
      while (isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== GT) return null;
      p = i + 1;
      bindings = scopes.pop() ?? null;
      if (stack.length === 0) break;
    } else if (c1 === BANG) {
      if (text.startsWith('<!--', p)) {
        p = skipComment(text, p);
        if (p === -1) return null;
      } else if (text.startsWith('<![CDATA[', p)) {
        const close = text.indexOf(']]>', p + 9);
        if (close === -1) return null;
        const top = stack[stack.length - 1];
        if (top === undefined) return null;
        top.text += text.slice(p + 9, close);
        p = close + 3;
      } else return null;
    } else {
      // Start tag.
      const nameEnd = scanQName(text, p + 1);
      if (nameEnd === -1) return null;
      const tag = qnameAt(text, p + 1, nameEnd);
      const qname = tag.qname;
      let i = nameEnd;
      let c = text.charCodeAt(i);
      if (c !== GT && c !== SLASH && !isSpace(c)) return null;
      const tagLine = lineAt(i);
      if (attrs.length !== 0) attrs.length = 0;
      let scope: Binding | null = bindings;
      for (;;) {
        const spaced = isSpace(c);
        while (isSpace(c)) c = text.charCodeAt(++i);
        if (c === GT || c === SLASH) break;
        if (!spaced) return null; // no white space between attributes, or a stray character
        const attrEnd = scanQName(text, i);
        if (attrEnd === -1) return null;
        const { qname: name, prefix, local } = qnameAt(text, i, attrEnd);
        i = attrEnd;
        while (isSpace(text.charCodeAt(i))) i++;
        if (text.charCodeAt(i) !== EQ) return null;
        i++;
        while (isSpace(text.charCodeAt(i))) i++;
        const quote = text.charCodeAt(i);
        if (quote !== 0x22 && quote !== 0x27) return null;
        const close = text.indexOf(quote === 0x22 ? '"' : "'", i + 1);
        if (close === -1) return null;
        let value = text.slice(i + 1, close);
        if (value.indexOf('<') !== -1) return null;
        if (value.indexOf('\t') !== -1 || value.indexOf('\n') !== -1) value = value.replace(ATTR_WS, ' ');
        if (value.indexOf('&') !== -1) {
          const decoded = decodeReferences(value);
          if (decoded === null) return null;
          value = decoded;
        }
        if (prefix === 'xmlns' || name === 'xmlns') {
          // A namespace declaration; the unusual ones (and errors) are left to saxes.
          const declared = prefix === '' ? '' : local;
          if (declared === 'xml' || declared === 'xmlns' || value !== value.trim()) return null;
          if (value === XML_NAMESPACE || value === XMLNS_NAMESPACE || (declared !== '' && value === '')) return null;
          // Lookups walk the bindings in scope: many declarations are for saxes (hash maps), as are many
          // attributes (the duplicate check below compares pairs).
          if (++declarations > MAX_DECLARATIONS) return null;
          value = internUri(value);
          scope = { prefix: declared, uri: value, next: scope };
        }
        if (attrs.length === MAX_ATTRIBUTES) return null;
        attrs.push({ name, prefix, local, value });
        i = close + 1;
        c = text.charCodeAt(i);
      }
      const selfClosing = c === SLASH;
      if (selfClosing && text.charCodeAt(i + 1) !== GT) return null;
      p = selfClosing ? i + 2 : i + 1;

      count += 1;
      if (count > limits.maxElements || stack.length >= limits.maxDepth) return null;
      const { prefix } = tag;
      if (prefix === 'xmlns') return null;
      const uri = lookup(scope, prefix);
      if (uri === undefined && prefix !== '') return null;
      const el: XmlElement = {
        ns: uri ?? '',
        local: tag.local,
        prefix,
        attributes: {},
        nsAttributes: [],
        children: [],
        text: '',
        line: tagLine,
      };
      for (let k = 0; k < attrs.length; k++) {
        const a = attrs[k] as PendingAttr;
        // Duplicates by expanded name, as saxes checks them.
        const ns = a.prefix === '' ? '' : lookup(scope, a.prefix);
        if (ns === undefined) return null;
        for (let j = 0; j < k; j++) {
          const b = attrs[j] as PendingAttr;
          if (b.local === a.local && (b.prefix === '' ? '' : lookup(scope, b.prefix)) === ns) {
            if ((a.prefix === '') === (b.prefix === '')) return null;
          }
        }
        if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
        if (ns) el.nsAttributes.push({ ns, local: a.local, value: a.value });
        else el.attributes[a.local] = a.value;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root === null) root = el;
      else return null;
      if (!selfClosing) {
        stack.push(el);
        qnames.push(qname);
        scopes.push(bindings);
        bindings = scope;
      } else if (stack.length === 0) break;
    }

    // Character data up to the next '<'.
    const lt = text.indexOf('<', p);
    if (lt === -1) return null; // unclosed elements
    if (lt > p) {
      if (nextAmp !== -1 && nextAmp < p) nextAmp = text.indexOf('&', p);
      if (nextCdataEnd !== -1 && nextCdataEnd < p) nextCdataEnd = text.indexOf(']]>', p);
      let data = text.slice(p, lt);
      if (nextCdataEnd !== -1 && nextCdataEnd < lt) return null; // "]]>" is not allowed in character data
      if (nextAmp !== -1 && nextAmp < lt) {
        const decoded = decodeReferences(data);
        if (decoded === null) return null;
        data = decoded;
      }
      const top = stack[stack.length - 1] as XmlElement;
      top.text += data;
    }
    p = lt;
  }

  // Epilog: white space and comments only.
  for (;;) {
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    if (p === end) return root;
    if (!text.startsWith('<!--', p)) return null;
    p = skipComment(text, p);
    if (p === -1) return null;
  }
}

/** Skips the comment at `p` (which starts with `<!--`); -1 when it is not closed or contains `--`. */
function skipComment(text: string, p: number): number {
  const close = text.indexOf('-->', p + 4);
  if (close === -1 || text.indexOf('--', p + 4) !== close) return -1;
  return close + 3;
}

const NEEDS_ESCAPE = /[&<>"'\r]/;

/** Escapes character data and attribute values. */
export function escapeXml(value: string): string {
  if (typeof value === 'string' && !NEEDS_ESCAPE.test(value)) return value;
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
