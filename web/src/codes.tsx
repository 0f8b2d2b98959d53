/**
 * The identity-code checks of the form fields, as the user types: the very functions the API validates with
 * (src/kernel/codes, imported, not copied: pure TypeScript without Node imports), with their bilingual messages
 * (a wrong USCC check character names the expected one: 统一社会信用代码校验位错误，应为 3).
 *
 * While a code is being typed only what more typing cannot mend is reported (a character that is not allowed, a
 * province that does not exist); the whole check runs once the code has its full length, when the field is left, and
 * on submit. The checksum failures of a USCC are warnings, not blocks: the operator's legacy-code exception list
 * (some early codes were issued legally but fail GB 32100) admits some of them, and only the platform knows that list.
 */
import type { RuleObject } from 'antd/es/form';
import { useTranslation } from 'react-i18next';
import { checkCustomsCode } from '../../src/kernel/codes/customs-code';
import { checkIdNumber } from '../../src/kernel/codes/id-number';
import { checkPhone } from '../../src/kernel/codes/phone';
import { checkRegionCode } from '../../src/kernel/codes/region';
import { type CodeCheck, checkUscc } from '../../src/kernel/codes/uscc';
import { isZh } from './api';

export type CodeKind = 'uscc' | 'customsCode' | 'regionCode' | 'idNumber' | 'phone';
type Failure = Extract<CodeCheck<string>, { ok: false }>;

interface CodeRule {
  /** What the API does to the input before checking (zod's trim and toUpperCase). */
  normalise(value: string): string;
  check(value: string): CodeCheck<string>;
  /** A failure that typing more characters cannot mend, for a code not yet at its full length; else null. */
  whileTyping(value: string): Failure | null;
  /** Failure reasons shown as a warning only (the platform may still accept the code). */
  advisory?: ReadonlySet<string>;
}

const failure = (r: CodeCheck<string>): Failure | null => (r.ok ? null : r);
const upper = (v: string) => v.trim().toUpperCase();
const trim = (v: string) => v.trim();

/** Fixed-length codes: pad what is typed with '0' (valid in every position checked) and keep the real failures. */
function padded(length: number, check: (v: string) => CodeCheck<string>, real: (f: Failure, typed: number) => boolean) {
  return (value: string): Failure | null => {
    if (value.length >= length) return failure(check(value));
    const f = failure(check(value.padEnd(length, '0')));
    return f && real(f, value.length) ? f : null;
  };
}

export const CODE_RULES: Record<CodeKind, CodeRule> = {
  uscc: {
    normalise: upper,
    check: checkUscc,
    // characters 1 and 2 are checked together (the institution category depends on the authority)
    whileTyping: padded(
      18,
      checkUscc,
      (f, n) => f.reason === 'charset' || (f.reason === 'registration-authority' && n >= 2),
    ),
    // the reasons the operator's legacy-code exception list may override (src/kernel/codes/zod.ts EXCEPTABLE)
    advisory: new Set(['registration-authority', 'org-code-check', 'check-character']),
  },
  customsCode: {
    normalise: upper,
    check: checkCustomsCode,
    whileTyping: padded(10, checkCustomsCode, (f) => f.reason === 'charset' || f.reason === 'district'),
  },
  regionCode: {
    normalise: trim,
    check: checkRegionCode,
    whileTyping: padded(6, checkRegionCode, (f, n) => f.reason === 'charset' || (f.reason === 'province' && n >= 2)),
  },
  idNumber: {
    normalise: upper,
    check: (v) => checkIdNumber(v),
    whileTyping: padded(
      18,
      (v) => checkIdNumber(v),
      (f) => f.reason === 'charset',
    ),
  },
  phone: {
    normalise: trim,
    check: checkPhone,
    // a mobile number is complete at 11 digits; a landline's length varies, so only a foreign character is final
    whileTyping: (v) => (/[^\d-]/.test(v) || (v.startsWith('1') && v.length >= 11) ? failure(checkPhone(v)) : null),
  },
};

/**
 * A failure's message as the form shows it: a React element that speaks the current language, so that a message
 * already shown follows the language switch (antd keeps a validator's rejection as the field's error).
 */
export function CodeMessage({ zh, en }: { zh: string; en: string }) {
  const { i18n } = useTranslation();
  return <span data-testid="code-message">{isZh(i18n.language) ? zh : en}</span>;
}

/**
 * antd rules for a code field, with messages in both languages (the current one shown): give the Form.Item
 * `validateTrigger={CODE_TRIGGERS}`. An empty field passes (whether it is required is a rule of its own).
 */
export function codeRules(kind: CodeKind): RuleObject[] {
  const rule = CODE_RULES[kind];
  const advisory = rule.advisory ?? new Set<string>();
  /** The first failure that `keep` keeps, of the checks in order. */
  const run =
    (checks: ((value: string) => Failure | null)[], keep: (f: Failure) => boolean) =>
    async (_: unknown, raw: unknown) => {
      const value = rule.normalise(typeof raw === 'string' ? raw : '');
      if (!value) return;
      for (const check of checks) {
        const f = check(value);
        if (f && keep(f)) return Promise.reject(<CodeMessage zh={f.messageZh} en={f.messageEn} />);
      }
    };
  // leaving the field: what typing more cannot mend first (region 99 names its province), then the rest (its length)
  const typing = [rule.whileTyping];
  const whole = [rule.whileTyping, (v: string) => failure(rule.check(v))];
  const blocking = (f: Failure) => !advisory.has(f.reason);
  const rules: RuleObject[] = [
    { validateTrigger: 'onChange', validator: run(typing, blocking) },
    { validateTrigger: 'onBlur', validator: run(whole, blocking) },
  ];
  if (advisory.size) {
    const warning = (f: Failure) => advisory.has(f.reason);
    rules.push(
      { validateTrigger: 'onChange', warningOnly: true, validator: run(typing, warning) },
      { validateTrigger: 'onBlur', warningOnly: true, validator: run(whole, warning) },
    );
  }
  return rules;
}

/** The triggers a Form.Item with {@link codeRules} validates on. */
export const CODE_TRIGGERS = ['onChange', 'onBlur'];
