/**
 * Shapes of the generated CEB definitions (definitions.generated.ts, produced by tools/ceb-codegen.ts from the
 * official 2022-05 XSDs in vendor/ceb/xsd). See ceb-messages.md §1 (catalogue), §2 (envelope) and Appendix A.
 */

export type Occurs = number | 'unbounded';

/** Restrictions on a simple value, as written in the XSD facets (plus a date format read from the annotation). */
export interface CebSimpleType {
  /** XSD built-in base type. */
  base: 'string' | 'decimal' | 'int' | 'date' | 'dateTime' | 'base64Binary' | 'ID';
  length?: number;
  minLength?: number;
  maxLength?: number;
  totalDigits?: number;
  fractionDigits?: number;
  enumeration?: string[];
  pattern?: string[];
  whiteSpace?: 'preserve' | 'replace' | 'collapse';
  fixed?: string;
  /**
   * CEB date/time format stated in the field's annotation ("格式:YYYYMMDDhhmmss", ceb-messages.md §2.3); the XSD
   * itself only fixes the length, the codec also checks the calendar.
   */
  dateFormat?: 'YYYYMMDD' | 'YYYYMMDDhhmm' | 'YYYYMMDDhhmmss' | 'YYYYMMDDhhmmssSSS';
}

export interface CebAttributeDef {
  name: string;
  required: boolean;
  type: CebSimpleType;
  doc?: string;
}

/** A leaf element: simple content (possibly with attributes, e.g. dxp:Key). */
export interface CebFieldDef {
  kind: 'field';
  name: string;
  minOccurs: number;
  maxOccurs: Occurs;
  type: CebSimpleType;
  attributes?: CebAttributeDef[];
  doc?: string;
}

/** An element with element content: a record group such as Order, OrderHead or BaseTransfer. */
export interface CebGroupDef {
  kind: 'group';
  name: string;
  minOccurs: number;
  maxOccurs: Occurs;
  children: CebNodeDef[];
  attributes?: CebAttributeDef[];
  doc?: string;
}

/** An element whose content is xs:any (ExtendMessage/Message): kept as serialised XML. */
export interface CebAnyDef {
  kind: 'any';
  name: string;
  minOccurs: number;
  maxOccurs: Occurs;
  doc?: string;
}

/** A reference to ds:Signature (XML-DSig, ceb-messages.md §8). */
export interface CebSignatureDef {
  kind: 'signature';
  name: 'Signature';
  minOccurs: number;
  maxOccurs: Occurs;
}

export type CebNodeDef = CebFieldDef | CebGroupDef | CebAnyDef | CebSignatureDef;

export interface CebMessageDef {
  /** Root element name, e.g. CEB311Message. */
  root: string;
  namespace: string;
  /** Which schema defines it (ceb-messages.md §1.2 import, §1.3 export). */
  trade: 'import' | 'export';
  /** ceb-messages.md §1.1: odd codes go enterprise → customs, even codes (receipts, 792/816/818/900) come back. */
  direction: 'toCustoms' | 'fromCustoms';
  /** The schema file it comes from, relative to vendor/ceb/xsd. */
  xsd: string;
  doc?: string;
  attributes: CebAttributeDef[];
  children: CebNodeDef[];
}
