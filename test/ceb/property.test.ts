/** Property: whatever is done to a sample message, parseCeb returns a result and never throws. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCeb } from '../../src/modules/declaration/ceb/codec.js';
import { SAMPLES } from './samples.js';

const sampleArb = fc.constantFrom(...SAMPLES.map((s) => s.bytes));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    mask: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
);

type Mutation = { kind: 'truncate' | 'duplicate'; at: number } | { kind: 'flip'; at: number[]; mask: number };

function mutate(bytes: Buffer, m: Mutation): Buffer {
  if (m.kind === 'truncate') return bytes.subarray(0, m.at % bytes.length);
  if (m.kind === 'flip') {
    const copy = Buffer.from(bytes);
    for (const i of m.at) copy[i % copy.length] = (copy[i % copy.length] ?? 0) ^ m.mask;
    return copy;
  }
  // duplicate a leaf element (a field) right after itself
  const text = bytes.toString('utf8');
  const elements = [...text.matchAll(/<(ceb:)?(\w+)>[^<]*<\/\1?\2>/g)];
  const chosen = elements[m.at % Math.max(1, elements.length)];
  if (!chosen) return bytes;
  const end = (chosen.index ?? 0) + chosen[0].length;
  return Buffer.from(text.slice(0, end) + chosen[0] + text.slice(end));
}

describe('parseCeb on mutated samples', () => {
  it('never throws, and either accepts or returns coded errors', () => {
    fc.assert(
      fc.property(sampleArb, mutation, fc.boolean(), (bytes, m, asString) => {
        const input = mutate(bytes, m);
        const result = parseCeb(asString ? input.toString('utf8') : input);
        if (result.ok) {
          expect(result.message.records.length).toBeGreaterThan(0);
        } else {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(['0001', '0002']).toContain(e.code);
        }
      }),
      { numRuns: 500 },
    );
  });
});
