/** The reasons of a clearance decision, the same for both directions: each a code and a bilingual message. Pure. */

/** A reason for a decision, in plain words: a customs code where one exists, else a platform code. */
export interface DecisionReason {
  code: string;
  rule: string;
  item?: number;
  field?: string;
  message: { zh: string; en: string };
}

/** The returnInfo of a receipt from reasons: each `[code] message`, within the 1000 characters the XSD allows. */
export function reasonsInfo(reasons: readonly DecisionReason[], lang: 'zh' | 'en' = 'zh'): string {
  const text = reasons.map((r) => `[${r.code}] ${r.message[lang]}`).join('；');
  if (text.length <= 1000) return text || '-';
  // cut by whole characters (a lone surrogate is not valid XML)
  const chars = [...text];
  return chars.length > 1000 ? `${chars.slice(0, 997).join('')}…` : text;
}
