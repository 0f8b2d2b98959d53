/**
 * Exact decimal arithmetic for amounts, rates and quantities (platform-decisions.md "Money, time, codes": no binary
 * floating point anywhere in rules, storage or APIs; amounts are decimal strings in APIs and N19,5 in CEB messages).
 *
 * - `Decimal` is a finite decimal: an integer number of units (BigInt) at a scale (number of fraction digits).
 *   Addition, subtraction and multiplication are exact; nothing is rounded unless `round` is called.
 * - `Ratio` is an exact fraction, for the few formulas that divide (e.g. the consumption tax's 1 / (1 − c)):
 *   intermediate results stay exact and only `Ratio.round` turns them back into a `Decimal`.
 * - Rounding is half-up in the commercial sense: a half goes away from zero (0.005 → 0.01, −0.005 → −0.01),
 *   Python's ROUND_HALF_UP and Java's HALF_UP, the rule the customs texts call 四舍五入.
 * - `allocate` spreads an amount over weights (freight and insurance over list items) so that the parts sum exactly
 *   to the amount.
 */

/** A decimal string that `Decimal.parse` accepts: an optional minus, digits, optionally a point and digits. */
const DECIMAL_PATTERN = /^-?\d+(?:\.\d+)?$/;
/** Longest text `Decimal.parse` reads: far above N19,5 (25 characters), low enough to refuse absurd input. */
export const MAX_DECIMAL_TEXT = 64;

/** Why a text is not a decimal; the messages are ready to show to users. */
export type DecimalParseFailure = { ok: false; reason: string; messageZh: string; messageEn: string };
export type DecimalParseResult = { ok: true; value: Decimal } | DecimalParseFailure;

export class DecimalFormatError extends Error {
  constructor(
    readonly input: unknown,
    readonly reason: string,
    readonly messageZh: string,
    readonly messageEn: string,
  ) {
    super(messageEn);
    this.name = 'DecimalFormatError';
  }
}

const TEN = 10n;
const POW10: bigint[] = [1n];
function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * TEN);
  return POW10[n]!;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** `n / d` rounded half away from zero to an integer; `d` > 0. */
function divHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (abs(r) * 2n >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

function failure(reason: string, messageZh: string, messageEn: string): DecimalParseFailure {
  return { ok: false, reason, messageZh, messageEn };
}

function describe(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  return typeof input;
}

export class Decimal {
  /** The value is `units × 10^-scale`. */
  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  /** `units × 10^-scale`, e.g. `Decimal.of(13899n, 2)` is 138.99. */
  static of(units: bigint, scale = 0): Decimal {
    if (!Number.isInteger(scale) || scale < 0) throw new RangeError(`scale must be a non-negative integer: ${scale}`);
    return new Decimal(units, scale);
  }

  /** A whole number (a JS number must be a safe integer: fractions come in as strings). */
  static fromInteger(n: number | bigint): Decimal {
    if (typeof n === 'number' && !Number.isSafeInteger(n)) {
      throw new DecimalFormatError(
        n,
        'not-an-integer',
        `金额不能用浮点数表示（${n}），请使用十进制字符串`,
        `${n} is not a safe integer: give fractional amounts as decimal strings`,
      );
    }
    return new Decimal(BigInt(n), 0);
  }

  /**
   * Reads a decimal string: `-?digits(.digits)?`. Floats (numbers), exponents (`1e3`), signs other than a leading
   * minus, spaces, thousands separators, a bare or trailing point, `NaN` and `Infinity` are refused.
   */
  static tryParse(input: unknown): DecimalParseResult {
    if (typeof input !== 'string') {
      return failure(
        'not-a-string',
        `金额应为十进制字符串（如 "138.36"），收到的是 ${describe(input)}`,
        `Expected a decimal string such as "138.36", got ${describe(input)}`,
      );
    }
    if (input.length === 0) return failure('empty', '金额不能为空', 'The amount is empty');
    if (input.length > MAX_DECIMAL_TEXT) {
      return failure(
        'too-long',
        `数值过长（超过 ${MAX_DECIMAL_TEXT} 个字符）`,
        `The number is longer than ${MAX_DECIMAL_TEXT} characters`,
      );
    }
    if (!DECIMAL_PATTERN.test(input)) {
      const exponent = /^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$/.test(input);
      return exponent
        ? failure(
            'exponent',
            `不接受科学计数法：${describe(input)}，请写出全部数字`,
            `Exponent notation is not accepted: ${describe(input)}; write the digits out`,
          )
        : failure(
            'format',
            `不是有效的十进制数：${describe(input)}（格式应为 -123.45，不含空格、正号或千位分隔符）`,
            `Not a decimal number: ${describe(input)} (expected the form -123.45, without spaces, plus sign or separators)`,
          );
    }
    const negative = input.startsWith('-');
    const body = negative ? input.slice(1) : input;
    const point = body.indexOf('.');
    const digits = point < 0 ? body : body.slice(0, point) + body.slice(point + 1);
    const scale = point < 0 ? 0 : body.length - point - 1;
    const units = BigInt(digits);
    return { ok: true, value: new Decimal(negative ? -units : units, scale) };
  }

  /** As `tryParse`, throwing a `DecimalFormatError` (with Chinese and English messages) on bad input. */
  static parse(input: unknown): Decimal {
    const result = Decimal.tryParse(input);
    if (!result.ok) throw new DecimalFormatError(input, result.reason, result.messageZh, result.messageEn);
    return result.value;
  }

  static sum(values: Iterable<Decimal>): Decimal {
    let total = Decimal.ZERO;
    for (const v of values) total = total.add(v);
    return total;
  }

  static max(first: Decimal, ...rest: Decimal[]): Decimal {
    return rest.reduce((m, v) => (v.gt(m) ? v : m), first);
  }

  static min(first: Decimal, ...rest: Decimal[]): Decimal {
    return rest.reduce((m, v) => (v.lt(m) ? v : m), first);
  }

  /** This value's units at a larger scale. */
  private unitsAt(scale: number): bigint {
    return this.units * pow10(scale - this.scale);
  }

  add(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.unitsAt(scale) + other.unitsAt(scale), scale);
  }

  sub(other: Decimal): Decimal {
    const scale = Math.max(this.scale, other.scale);
    return new Decimal(this.unitsAt(scale) - other.unitsAt(scale), scale);
  }

  /** Exact product (its scale is the sum of the scales); round it explicitly where a rule says so. */
  mul(other: Decimal): Decimal {
    return new Decimal(this.units * other.units, this.scale + other.scale);
  }

  /** Amount × rate rounded half-up to `places` (default: the fen), e.g. a foreign price × the customs rate. */
  mulRate(rate: Decimal, places = 2): Decimal {
    return this.mul(rate).round(places);
  }

  neg(): Decimal {
    return new Decimal(-this.units, this.scale);
  }

  abs(): Decimal {
    return this.units < 0n ? this.neg() : this;
  }

  /** −1, 0 or 1. */
  cmp(other: Decimal): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const a = this.unitsAt(scale);
    const b = other.unitsAt(scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  eq(other: Decimal): boolean {
    return this.cmp(other) === 0;
  }
  lt(other: Decimal): boolean {
    return this.cmp(other) < 0;
  }
  lte(other: Decimal): boolean {
    return this.cmp(other) <= 0;
  }
  gt(other: Decimal): boolean {
    return this.cmp(other) > 0;
  }
  gte(other: Decimal): boolean {
    return this.cmp(other) >= 0;
  }

  sign(): -1 | 0 | 1 {
    return this.units < 0n ? -1 : this.units > 0n ? 1 : 0;
  }
  isZero(): boolean {
    return this.units === 0n;
  }
  isNegative(): boolean {
    return this.units < 0n;
  }
  isPositive(): boolean {
    return this.units > 0n;
  }

  /** Rounded half-up (half away from zero) to `places` fraction digits; a value with fewer digits is unchanged. */
  round(places: number): Decimal {
    if (!Number.isInteger(places) || places < 0)
      throw new RangeError(`places must be a non-negative integer: ${places}`);
    if (this.scale <= places) return this;
    return new Decimal(divHalfUp(this.units, pow10(this.scale - places)), places);
  }

  /** Rounded half-up to the fen (0.01 RMB). */
  toFen(): Decimal {
    return this.round(2);
  }

  /** The same value with trailing fractional zeros removed (1.500 → 1.5, 2.00 → 2). */
  normalize(): Decimal {
    let { units, scale } = this;
    while (scale > 0 && units % TEN === 0n) {
      units /= TEN;
      scale -= 1;
    }
    return scale === this.scale ? this : new Decimal(units, scale);
  }

  /** Digits after the point once trailing zeros are removed. */
  fractionDigits(): number {
    return this.normalize().scale;
  }

  /** Digits before the point (at least 1: 0.5 has one). */
  integerDigits(): number {
    const n = this.normalize();
    const whole = abs(n.units) / pow10(n.scale);
    return whole === 0n ? 1 : whole.toString().length;
  }

  /** Whether the value fits a decimal of `totalDigits` digits of which `fractionDigits` after the point (N19,5). */
  fitsDigits(totalDigits: number, fractionDigits: number): boolean {
    const f = this.fractionDigits();
    return f <= fractionDigits && this.integerDigits() <= totalDigits - fractionDigits;
  }

  /** The exact value, without trailing fractional zeros: "138.36", "52.5", "26000", "-0.01". */
  toString(): string {
    return format(this.normalize());
  }

  /** Rounded half-up to `places` and written with exactly `places` fraction digits: toFixed(2) of 52.5 is "52.50". */
  toFixed(places: number): string {
    const r = this.round(places);
    return format(new Decimal(r.unitsAt(places), places));
  }

  /** The exact value with at least `places` fraction digits (more only when it has them): 52.5 → "52.50". */
  toAmountString(places = 2): string {
    const n = this.normalize();
    return n.scale >= places ? format(n) : format(new Decimal(n.unitsAt(places), places));
  }

  toJSON(): string {
    return this.toString();
  }

  /** The exact fraction, for formulas that divide. */
  toRatio(): Ratio {
    return Ratio.of(this.units, pow10(this.scale));
  }
}

/**
 * The one grammar of amounts, quantities and weights: the CEB decimal "N19,5" (ceb-messages.md §2.3; every decimal
 * of the 2022-05 XSDs is `xs:decimal totalDigits=19 fractionDigits=5`, stored as PostgreSQL `numeric(19,5)`):
 * ASCII digits, optionally a point followed by 1 to 5 digits; no sign, no exponent, no space of any kind, no
 * thousands separator; at most 14 digits before the point (leading zeros not counted), so that the value fits the
 * 19 digits of which 5 are after the point. No CEB amount may be negative: the XSD annotations define every one of
 * them as a price, an amount paid, a fee, a tax, a quantity or a weight (a discount is written as a positive amount
 * that is subtracted), so a minus is refused like any other sign.
 *
 * Used by the CEB codec for XML and JSON alike (after XML white-space collapsing, which removes only space, tab, CR
 * and LF around the value) and by the zod schemas of the JSON routes that take amounts.
 */
export type DecimalGrammar = { totalDigits: number; fractionDigits: number };
export const N19_5: DecimalGrammar = { totalDigits: 19, fractionDigits: 5 };

/** Why a text does not follow the grammar. */
export type GrammarFailureReason =
  | 'not-a-string'
  | 'empty'
  | 'too-long'
  | 'negative'
  | 'sign'
  | 'space'
  | 'exponent'
  | 'format'
  | 'fraction-digits'
  | 'integer-digits';

export type GrammarFailure = { ok: false; reason: GrammarFailureReason; messageZh: string; messageEn: string };

/** The grammar's name and rule, in both languages, e.g. for N19,5. */
export function grammarText(g: DecimalGrammar = N19_5): { zh: string; en: string } {
  const int = g.totalDigits - g.fractionDigits;
  const name = `N${g.totalDigits},${g.fractionDigits}`;
  const frac = g.fractionDigits === 0 ? '' : `，可带小数点及 1–${g.fractionDigits} 位小数`;
  const fracEn = g.fractionDigits === 0 ? '' : `, optionally a point and 1 to ${g.fractionDigits} decimals`;
  return {
    zh: `${name} 数值：只含数字${frac}，不带正负号、空格或指数，整数部分最多 ${int} 位`,
    en: `an ${name} decimal: digits only${fracEn}; no sign, space or exponent; at most ${int} digits before the point`,
  };
}

const isAsciiDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Whether `value` follows the grammar, in one pass without allocating (the codec's fast path for the ordinary
 * valid values; every problem is described by `checkDecimalText`).
 */
export function fitsGrammar(value: string, g: DecimalGrammar = N19_5): boolean {
  const n = value.length;
  if (n === 0 || n > MAX_DECIMAL_TEXT) return false;
  let i = 0;
  let significant = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (!isAsciiDigit(c)) break;
    if (significant > 0 || c !== 0x30) significant++;
    i++;
  }
  if (i === 0 || significant > g.totalDigits - g.fractionDigits) return false;
  if (i === n) return true;
  if (value.charCodeAt(i) !== 0x2e) return false;
  const frac = n - i - 1;
  if (frac < 1 || frac > g.fractionDigits) return false;
  for (let j = i + 1; j < n; j++) if (!isAsciiDigit(value.charCodeAt(j))) return false;
  return true;
}

/** Any Unicode white space or invisible separator (U+3000, U+00A0, U+2007, U+200B, U+FEFF …). */
const ANY_SPACE = /[\s\u00a0\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/u;

/** The text checked against the grammar: null when it follows it, else the reason with a bilingual message. */
export function checkDecimalText(input: unknown, g: DecimalGrammar = N19_5): GrammarFailure | null {
  const rule = grammarText(g);
  const fail = (reason: GrammarFailureReason, zh: string, en: string): GrammarFailure => ({
    ok: false,
    reason,
    messageZh: `${zh}（应为${rule.zh}）`,
    messageEn: `${en} (expected ${rule.en})`,
  });
  if (typeof input !== 'string') {
    return fail(
      'not-a-string',
      `应为十进制字符串，收到的是 ${describe(input)}`,
      `Expected a decimal string, got ${describe(input)}`,
    );
  }
  if (fitsGrammar(input, g)) return null;
  const v = describe(input);
  if (input.length === 0) return fail('empty', '数值为空', 'The number is empty');
  if (input.length > MAX_DECIMAL_TEXT) {
    return fail(
      'too-long',
      `数值过长（超过 ${MAX_DECIMAL_TEXT} 个字符）`,
      `The number is longer than ${MAX_DECIMAL_TEXT} characters`,
    );
  }
  if (ANY_SPACE.test(input)) {
    return fail(
      'space',
      `${v} 含有空白字符（包括全角空格、不换行空格）`,
      `${v} contains a space character (full-width and no-break spaces included)`,
    );
  }
  if (/^[-+−]/.test(input)) {
    const unsigned = input.slice(1);
    if (input[0] === '-' && (fitsGrammar(unsigned, g) || /^\d+(\.\d+)?$/.test(unsigned))) {
      return fail('negative', `不能为负数：${v}`, `Must not be negative: ${v}`);
    }
    return fail('sign', `不能带正负号：${v}`, `No sign allowed: ${v}`);
  }
  if (/^(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$/.test(input)) {
    return fail('exponent', `不接受科学计数法：${v}`, `Exponent notation is not accepted: ${v}`);
  }
  const m = /^(\d+)(?:\.(\d+))?$/.exec(input);
  if (!m) return fail('format', `不是有效的数值：${v}`, `Not a decimal number: ${v}`);
  if ((m[2]?.length ?? 0) > g.fractionDigits) {
    return fail(
      'fraction-digits',
      `${v} 有 ${m[2]?.length} 位小数，最多 ${g.fractionDigits} 位`,
      `${v} has ${m[2]?.length} decimals, at most ${g.fractionDigits} allowed`,
    );
  }
  const int = (m[1] ?? '').replace(/^0+(?=\d)/, '').length;
  return fail(
    'integer-digits',
    `${v} 整数部分有 ${int} 位，最多 ${g.totalDigits - g.fractionDigits} 位`,
    `${v} has ${int} digits before the point, at most ${g.totalDigits - g.fractionDigits} allowed`,
  );
}

/** Reads a text of the grammar (N19,5 unless told) into a Decimal, or the reason it does not follow it. */
export function parseAmount(input: unknown, g: DecimalGrammar = N19_5): { ok: true; value: Decimal } | GrammarFailure {
  const problem = checkDecimalText(input, g);
  return problem ?? { ok: true, value: Decimal.parse(input) };
}

function format(d: Decimal): string {
  const digits = abs(d.units).toString();
  const sign = d.units < 0n ? '-' : '';
  if (d.scale === 0) return sign + digits;
  const padded = digits.padStart(d.scale + 1, '0');
  return `${sign}${padded.slice(0, -d.scale)}.${padded.slice(-d.scale)}`;
}

/** An exact fraction `num / den` (den > 0, reduced). Used inside formulas; results leave it through `round`. */
export class Ratio {
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static of(num: bigint, den: bigint = 1n): Ratio {
    if (den === 0n) throw new RangeError('division by zero');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num, den);
    return g > 1n ? new Ratio(num / g, den / g) : new Ratio(num, den);
  }

  static from(value: Decimal | Ratio): Ratio {
    return value instanceof Ratio ? value : value.toRatio();
  }

  add(other: Decimal | Ratio): Ratio {
    const o = Ratio.from(other);
    return Ratio.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(other: Decimal | Ratio): Ratio {
    const o = Ratio.from(other);
    return Ratio.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(other: Decimal | Ratio): Ratio {
    const o = Ratio.from(other);
    return Ratio.of(this.num * o.num, this.den * o.den);
  }

  div(other: Decimal | Ratio): Ratio {
    const o = Ratio.from(other);
    if (o.num === 0n) throw new RangeError('division by zero');
    return Ratio.of(this.num * o.den, this.den * o.num);
  }

  cmp(other: Decimal | Ratio): -1 | 0 | 1 {
    const o = Ratio.from(other);
    const a = this.num * o.den;
    const b = o.num * this.den;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  /** Rounded half-up (half away from zero) to `places` fraction digits. */
  round(places: number): Decimal {
    if (!Number.isInteger(places) || places < 0)
      throw new RangeError(`places must be a non-negative integer: ${places}`);
    return Decimal.of(divHalfUp(this.num * pow10(places), this.den), places);
  }

  /** The exact decimal when the fraction has one (its reduced denominator is 2^a·5^b), otherwise null. */
  toDecimal(): Decimal | null {
    let d = this.den;
    let twos = 0;
    let fives = 0;
    while (d % 2n === 0n) {
      d /= 2n;
      twos++;
    }
    while (d % 5n === 0n) {
      d /= 5n;
      fives++;
    }
    if (d !== 1n) return null;
    const scale = Math.max(twos, fives);
    return Decimal.of((this.num * pow10(scale)) / this.den, scale);
  }

  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
}

/**
 * Splits `total` over `weights` in proportion, each part rounded half-up to `places`, so that the parts sum exactly
 * to `total` (platform-decisions.md: freight and insurance over list items by each item's total price).
 *
 * The rounding remainder goes to the item of highest weight (the first of equal ones). In the rare case where that
 * would turn its part against the sign of the total (e.g. 0.02 over four equal items: four halves round up to 0.01
 * each, and the remainder is −0.02), the part stops at zero and the rest goes to the next-highest item, and so on,
 * so no part ever has the opposite sign of the total. When all weights are zero the whole total goes to the first
 * item (they are all "the highest").
 *
 * Throws a RangeError for no weights, a negative weight, or a total with more than `places` fraction digits.
 */
export function allocate(total: Decimal, weights: readonly Decimal[], places = 2): Decimal[] {
  if (weights.length === 0) throw new RangeError('allocate: no weights');
  if (weights.some((w) => w.isNegative())) throw new RangeError('allocate: negative weight');
  if (total.fractionDigits() > places) {
    throw new RangeError(`allocate: the total ${total} has more than ${places} fraction digits`);
  }
  if (total.isNegative()) return allocate(total.neg(), weights, places).map((p) => p.neg());

  const order = weights.map((_, i) => i).sort((a, b) => weights[b]!.cmp(weights[a]!) || a - b);
  const sumWeights = Decimal.sum(weights);
  const parts = sumWeights.isZero()
    ? weights.map((_, i) => (i === order[0] ? total : Decimal.ZERO))
    : weights.map((w) => total.toRatio().mul(w).div(sumWeights).round(places));

  let remainder = total.sub(Decimal.sum(parts));
  for (const i of order) {
    if (remainder.isZero()) break;
    const part = parts[i]!;
    // Take the whole remainder when positive; when negative, take at most what keeps the part ≥ 0.
    const take = remainder.isPositive() ? remainder : Decimal.max(remainder, part.neg());
    parts[i] = part.add(take);
    remainder = remainder.sub(take);
  }
  return parts;
}
