import { describe, expect, it } from 'vitest';
import {
  finalStatus,
  isFinalStatus,
  isRejection,
  statusRank,
  supersedes,
} from '../../src/modules/gateway/receipt-order.js';

describe('receipt order: an older status never overwrites a newer one', () => {
  it('ranks 2 < 120 < 300/500 < 399 < 800 < 899', () => {
    const order = ['2', '120', '300', '399', '800', '899'];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        expect(supersedes(order[j]!, order[i]!), `${order[j]} after ${order[i]}`).toBe(j > i);
      }
    }
    expect(statusRank('300')).toBe(statusRank('500'));
    expect(statusRank('100')).toBeUndefined();
  });

  it('a repeat changes nothing', () => {
    for (const st of ['2', '120', '300', '500', '399', '800', '899', '100', '-621005']) {
      expect(supersedes(st, st)).toBe(false);
    }
  });

  it('300 and 500 replace each other (review then inspection, or the reverse)', () => {
    expect(supersedes('500', '300')).toBe(true);
    expect(supersedes('300', '500')).toBe(true);
    expect(supersedes('300', '399')).toBe(false);
    expect(supersedes('500', '800')).toBe(false);
  });

  it('a rejection (100 or a negative code) applies up to 300/500, never after 399', () => {
    for (const current of ['2', '120', '300', '500']) {
      expect(supersedes('100', current)).toBe(true);
      expect(supersedes('-621005', current)).toBe(true);
    }
    for (const current of ['399', '800', '899']) {
      expect(supersedes('100', current)).toBe(false);
      expect(supersedes('-621018', current)).toBe(false);
    }
  });

  it('a rejection, a cancellation and a deletion are final', () => {
    for (const current of ['100', '-621005', 'cancelled', 'deleted']) {
      expect(isFinalStatus(current)).toBe(true);
      for (const incoming of ['2', '120', '300', '500', '399', '800', '899', '100', '-301010']) {
        expect(supersedes(incoming, current), `${incoming} after ${current}`).toBe(false);
      }
    }
    expect(isRejection('100')).toBe(true);
    expect(isRejection('-1')).toBe(true);
    expect(isRejection('120')).toBe(false);
    expect(isFinalStatus('800')).toBe(false);
  });

  it('after a re-declaration (the intake resets the record to 2) receipts apply again', () => {
    expect(finalStatus('100', ['120'])).toBe('100');
    expect(finalStatus('2', ['120', '800'])).toBe('800');
  });

  it('unknown codes never change a status; a known code replaces an unknown current one', () => {
    expect(supersedes('7', '120')).toBe(false);
    expect(supersedes('abc', '2')).toBe(false);
    expect(supersedes('120', 'weird')).toBe(true);
  });

  it('whatever the arrival order, the record ends at the furthest status', () => {
    const receipts = ['120', '399', '800'];
    const permutations = (xs: string[]): string[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const p of permutations(receipts)) {
      expect(finalStatus('2', p), p.join(' → ')).toBe('800');
      expect(finalStatus('2', [...p, ...p]), `${p.join(' → ')} twice`).toBe('800');
    }
    for (const p of permutations(['120', '300', '100'])) {
      expect(finalStatus('2', p), p.join(' → ')).toBe('100');
    }
  });
});
