/**
 * Inspection sampling by credit level, the same for both directions: the rate for the enterprise's level and a draw
 * derived from a recorded seed (SHA-256), so that a decision can be replayed. Pure.
 */
import { createHash } from 'node:crypto';
import { Decimal } from '../../../kernel/money.js';

/** Customs credit levels (Decree 251 and 282 together); see the credit module. */
export type CreditLevel = 'advanced' | 'certified' | 'general' | 'dishonest' | 'seriously-dishonest';

export interface SamplingPolicy {
  /** The share of lists of a general (常规) enterprise inspected, e.g. "0.05". */
  baseRate: Decimal;
}

export interface Sampling {
  level: CreditLevel;
  rate: string;
  seed: string;
  draw: string;
  inspect: boolean;
}

/**
 * The inspection rate for a credit level (platform-decisions.md): advanced-certified at most 20% of the base
 * (we use exactly 20%), certified (认证, Decree 282) at 50% of the base, general the base, 失信 at least 80% of
 * their lists (we use max(0.8, base)), 严重失信 every list. Rates are ratios between 0 and 1.
 */
export function inspectionRate(level: CreditLevel, base: Decimal): Decimal {
  switch (level) {
    case 'advanced':
      return base.mul(Decimal.parse('0.2'));
    case 'certified':
      return base.mul(Decimal.parse('0.5'));
    case 'general':
      return base;
    case 'dishonest':
      return Decimal.max(base, Decimal.parse('0.8'));
    case 'seriously-dishonest':
      return Decimal.ONE;
  }
}

/** The draw in [0, 1) derived from a seed (SHA-256, first 52 bits): the same seed always gives the same draw. */
export function drawOf(seed: string): Decimal {
  const n = BigInt(`0x${createHash('sha256').update(seed).digest('hex').slice(0, 13)}`);
  // n / 2^52, truncated to 15 decimals in integers (a float rounding could reach 1)
  return Decimal.of((n * 10n ** 15n) / 2n ** 52n, 15);
}

export function sample(level: CreditLevel, policy: SamplingPolicy, seed: string): Sampling {
  const rate = inspectionRate(level, policy.baseRate);
  const draw = drawOf(seed);
  return { level, rate: rate.toString(), seed, draw: draw.toString(), inspect: draw.lt(rate) };
}
