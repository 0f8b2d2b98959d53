/**
 * Canonical XML for XML-DSig (ceb-messages.md §8): Canonical XML 1.0
 * (http://www.w3.org/TR/2001/REC-xml-c14n-20010315, with and without comments) and Exclusive XML Canonicalization
 * 1.0 (http://www.w3.org/2001/10/xml-exc-c14n#, which some senders declare), of a whole document or of an element
 * subtree, optionally minus excluded subtrees (the enveloped-signature transform).
 *
 * Why our own implementation instead of xml-crypto's (with @xmldom/xmldom):
 * - the input must pass our safe gate anyway (no DOCTYPE/ENTITY, UTF-8, size/depth/count caps: xml-document.ts);
 *   xmldom parses DOCTYPEs and internal subsets itself, so we would parse twice and keep a second, more permissive
 *   XML parser in the trust path of a security check;
 * - it would be two new runtime dependencies (xml-crypto + @xmldom/xmldom, plus xpath) for ~250 lines here;
 * - CEB needs exactly one shape (Reference URI="" + enveloped-signature, SignedInfo as a subtree), and the output is
 *   checked byte for byte against libxml2 (`xmllint --c14n` / `--exc-c14n`) in test/signature/c14n.test.ts, on the
 *   official samples and on namespace/escaping edge cases, with xmllint's output committed as fixtures.
 *
 * What the rules come to (C14N 1.0 §2, exc-c14n §3):
 * - no XML declaration, no DTD; UTF-8; line endings normalised to #xA (by the parser);
 * - PIs and (WithComments only) comments outside the root element: followed (before root) or preceded (after
 *   root) by #xA; white space outside the root dropped; white space inside the root kept as is;
 * - empty elements as start+end tag; CDATA replaced by its (escaped) content; references expanded;
 * - text escapes & < > #xD; attribute values escape & < " #x9 #xA #xD;
 * - namespace declarations first, sorted by prefix (default first), then attributes sorted by namespace URI
 *   (none first) then local name; comparisons by code point;
 * - inclusive: a namespace declaration is rendered when the nearest rendered ancestor does not already have the
 *   same binding; the apex of a subtree gets every namespace in scope (inherited declarations) and, in C14N 1.0,
 *   the xml:* attributes of its ancestors; `xmlns=""` only where an output ancestor has a non-empty default;
 * - exclusive: only the visibly utilised prefixes (element prefix, attribute prefixes) plus InclusiveNamespaces,
 *   under the same "not already rendered" rule; no xml:* inheritance.
 */
import {
  inScopeNamespaces,
  parseXmlDocument,
  type XAttr,
  type XComment,
  type XElement,
  XML_NAMESPACE,
  type XmlDocument,
  type XNode,
  type XProcessingInstruction,
} from './xml-document.js';

export const C14N_10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N_10_WITH_COMMENTS = `${C14N_10}#WithComments`;
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const EXC_C14N_WITH_COMMENTS = `${EXC_C14N}WithComments`;
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface C14nOptions {
  withComments?: boolean;
  exclusive?: boolean;
  /** Exclusive only: the InclusiveNamespaces PrefixList ('#default' for the default namespace). */
  inclusivePrefixes?: readonly string[];
  /** Elements left out with their subtrees (the enveloped-signature transform). */
  exclude?: ReadonlySet<XElement>;
}

/** The canonicalisation algorithms we implement, by URI. */
export const C14N_METHODS: Readonly<Record<string, { withComments: boolean; exclusive: boolean }>> = {
  [C14N_10]: { withComments: false, exclusive: false },
  [C14N_10_WITH_COMMENTS]: { withComments: true, exclusive: false },
  [EXC_C14N]: { withComments: false, exclusive: true },
  [EXC_C14N_WITH_COMMENTS]: { withComments: true, exclusive: true },
};

/** Thrown by canonicalizeXml when the input is refused (DOCTYPE, not well-formed, too large...). */
export class XmlInputError extends Error {
  constructor(
    message: string,
    readonly messageZh: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'XmlInputError';
  }
}

/** Code-point order on UTF-16 strings (surrogates sort above U+E000..U+FFFF, as their code points do). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x += x <= 0xdfff ? 0x2000 : -0x800;
    if (y >= 0xd800) y += y <= 0xdfff ? 0x2000 : -0x800;
    return x - y;
  }
  return a.length - b.length;
}

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;

function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return s.replace(/[&<"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '"':
        return '&quot;';
      case '\t':
        return '&#x9;';
      case '\n':
        return '&#xA;';
      default:
        return '&#xD;';
    }
  });
}

function renderMisc(n: XComment | XProcessingInstruction): string {
  if (n.type === 'comment') return `<!--${n.value}-->`;
  return n.body === '' ? `<?${n.target}?>` : `<?${n.target} ${n.body}?>`;
}

function compareAttrs(a: XAttr, b: XAttr): number {
  return a.uri === b.uri ? compareCodePoints(a.local, b.local) : compareCodePoints(a.uri, b.uri);
}

class Canonicalizer {
  out = '';
  private readonly withComments: boolean;
  private readonly exclusive: boolean;
  private readonly inclusive: ReadonlySet<string>;
  private readonly exclude: ReadonlySet<XElement> | undefined;

  constructor(opts: C14nOptions) {
    this.withComments = opts.withComments ?? false;
    this.exclusive = opts.exclusive ?? false;
    this.inclusive = new Set((opts.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
    this.exclude = opts.exclude && opts.exclude.size > 0 ? opts.exclude : undefined;
  }

  /**
   * @param scope namespaces in scope on the parent (prefix → URI; '' → '' when no default namespace)
   * @param rendered bindings in effect in the output on the nearest rendered ancestor
   */
  element(e: XElement, scope: ReadonlyMap<string, string>, rendered: ReadonlyMap<string, string>, apex: boolean): void {
    if (this.exclude?.has(e)) return;
    let inScope = scope;
    if (e.nsDecls.length > 0) {
      const m = new Map(scope);
      for (const d of e.nsDecls) m.set(d.prefix, d.uri);
      inScope = m;
    }

    // Namespace declarations to render.
    let candidates: Iterable<string>;
    if (this.exclusive) {
      const used = new Set<string>([e.prefix]);
      for (const a of e.attrs) if (a.prefix !== '') used.add(a.prefix);
      for (const p of this.inclusive) if (inScope.has(p)) used.add(p);
      candidates = used;
    } else if (apex) {
      candidates = inScope.keys();
    } else {
      candidates = e.nsDecls.map((d) => d.prefix);
    }
    const decls: [string, string][] = [];
    for (const prefix of candidates) {
      if (prefix === 'xml') continue;
      const uri = inScope.get(prefix) ?? '';
      const current = rendered.get(prefix) ?? '';
      const render = uri === '' ? prefix === '' && current !== '' : current !== uri;
      if (render) decls.push([prefix, uri]);
    }

    let attrs = e.attrs;
    if (apex && !this.exclusive) {
      // C14N 1.0 §2.4: the apex inherits the xml:* attributes of its ancestors (nearest wins).
      const own = new Set(attrs.filter((a) => a.uri === XML_NAMESPACE).map((a) => a.local));
      const inherited: XAttr[] = [];
      for (let p = e.parent; p; p = p.parent) {
        for (const a of p.attrs) {
          if (a.uri === XML_NAMESPACE && !own.has(a.local)) {
            own.add(a.local);
            inherited.push(a);
          }
        }
      }
      if (inherited.length > 0) attrs = [...attrs, ...inherited];
    }

    let out = `<${e.name}`;
    let nextRendered = rendered;
    if (decls.length > 0) {
      decls.sort((a, b) => compareCodePoints(a[0], b[0]));
      const m = new Map(rendered);
      for (const [prefix, uri] of decls) {
        out += prefix === '' ? ` xmlns="${escapeAttr(uri)}"` : ` xmlns:${prefix}="${escapeAttr(uri)}"`;
        m.set(prefix, uri);
      }
      nextRendered = m;
    }
    if (attrs.length > 0) {
      const sorted = attrs.length > 1 ? [...attrs].sort(compareAttrs) : attrs;
      for (const a of sorted) out += ` ${a.name}="${escapeAttr(a.value)}"`;
    }
    this.out += `${out}>`;
    for (const c of e.children) this.node(c, inScope, nextRendered);
    this.out += `</${e.name}>`;
  }

  node(n: XNode, scope: ReadonlyMap<string, string>, rendered: ReadonlyMap<string, string>): void {
    switch (n.type) {
      case 'element':
        this.element(n, scope, rendered, false);
        return;
      case 'text':
        this.out += escapeText(n.value);
        return;
      case 'comment':
        if (this.withComments) this.out += renderMisc(n);
        return;
      case 'pi':
        this.out += renderMisc(n);
    }
  }

  misc(n: XComment | XProcessingInstruction): string {
    return n.type === 'comment' && !this.withComments ? '' : renderMisc(n);
  }
}

const NO_NAMESPACES: ReadonlyMap<string, string> = new Map([['', '']]);

/** Canonical form of a whole document or of an element subtree (with its inherited namespace context). */
export function canonicalize(target: XmlDocument | XElement, opts: C14nOptions = {}): string {
  const c = new Canonicalizer(opts);
  if ('root' in target) {
    let head = '';
    for (const n of target.before) {
      const s = c.misc(n);
      if (s !== '') head += `${s}\n`;
    }
    c.out = head;
    c.element(target.root, NO_NAMESPACES, NO_NAMESPACES, true);
    for (const n of target.after) {
      const s = c.misc(n);
      if (s !== '') c.out += `\n${s}`;
    }
    return c.out;
  }
  const parentScope = target.parent ? inScopeNamespaces(target.parent) : NO_NAMESPACES;
  c.element(target, parentScope, NO_NAMESPACES, true);
  return c.out;
}

/** True for a ds:Signature element. */
export function isSignatureElement(e: XElement): boolean {
  return e.uri === DSIG_NS && e.local === 'Signature';
}

/** The ds:Signature children of the root: what the enveloped-signature transform removes for a CEB message. */
export function rootSignatures(doc: XmlDocument): XElement[] {
  return doc.root.children.filter((c): c is XElement => c.type === 'element' && isSignatureElement(c));
}

export interface CanonicalizeXmlOptions {
  /** A URI of C14N_METHODS; default Canonical XML 1.0 without comments. */
  algorithm?: string;
  /** Apply the enveloped-signature transform: leave out the ds:Signature children of the root. */
  envelopedSignature?: boolean;
  inclusivePrefixes?: readonly string[];
}

/** Parses `xml` through the safe gate and returns its canonical form; throws XmlInputError on refused input. */
export function canonicalizeXml(xml: string | Uint8Array, opts: CanonicalizeXmlOptions = {}): string {
  const method = C14N_METHODS[opts.algorithm ?? C14N_10];
  if (!method) throw new RangeError(`unsupported canonicalization algorithm ${opts.algorithm}`);
  const parsed = parseXmlDocument(xml);
  if (!parsed.ok) throw new XmlInputError(parsed.message, parsed.messageZh, parsed.line);
  return canonicalize(parsed.doc, {
    ...method,
    inclusivePrefixes: opts.inclusivePrefixes,
    exclude: opts.envelopedSignature ? new Set(rootSignatures(parsed.doc)) : undefined,
  });
}
