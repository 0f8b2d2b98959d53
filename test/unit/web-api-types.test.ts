import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiTypesSource, SCHEMA_FILE } from '../../scripts/api-types.js';

/**
 * The web app's API types (web/src/api/schema.gen.ts) are generated from the server's OpenAPI document: when a
 * route's schema changes, the committed file must be regenerated (`npm run gen:api`), or the pages would compile
 * against shapes the server no longer sends.
 */
describe('web API types', () => {
  it('web/src/api/schema.gen.ts is what the OpenAPI document generates today (else: npm run gen:api)', async () => {
    const expected = await apiTypesSource();
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed === expected, 'web/src/api/schema.gen.ts is out of date: run npm run gen:api').toBe(true);
  }, 120_000);
});
