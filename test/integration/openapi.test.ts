import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

type Schema = Record<string, unknown>;
type Operation = {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};

/**
 * Operations that take no request body although they change state (the path names everything); any other POST,
 * PUT or PATCH must document its body. Adding a route here needs a reason.
 */
const NO_BODY = new Set([
  'POST /api/v1/auth/logout', // ends the caller's session
  'POST /api/v1/clearance/returns/{id}/arrival', // the return named in the path is back
  'POST /api/v1/enterprises/{uscc}/webhooks/deliveries/{id}/replay', // the delivery named in the path again
]);

const ERROR_REF = '#/components/schemas/ErrorBody';

/** Whether a schema is (or, for a union, includes) the shared error shape. */
function isErrorBody(schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (schema.$ref === ERROR_REF) return true;
  const alternatives = [...((schema.anyOf as Schema[]) ?? []), ...((schema.oneOf as Schema[]) ?? [])];
  return alternatives.some(isErrorBody);
}

/**
 * The OpenAPI document (/openapi.json) documents every operation: its request (path parameters, query, body), a 2xx
 * response with a schema (a 204 has none), and its errors (4XX and 5XX) in the one shared ErrorBody schema. Routes
 * are added in parallel by several people: this walk holds each new one to it.
 */
describe('OpenAPI: every operation documents its request, its response and its errors', () => {
  let t: TestPlatform;
  let doc: { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };
  let operations: { name: string; path: string; method: string; op: Operation }[];

  beforeAll(async () => {
    t = await startTestPlatform({ demo: false });
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op })),
    );
  });
  afterAll(() => t.close());

  it('the document lists the operations (60 and more), /api and the public ones', () => {
    expect(operations.length).toBeGreaterThanOrEqual(60);
    expect(operations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['GET /healthz', 'GET /readyz', 'POST /api/v1/messages', 'POST /api/v1/quota/check']),
    );
  });

  it('ErrorBody is registered once, with the error shape', () => {
    const schemas = doc.components?.schemas ?? {};
    expect(Object.keys(schemas).filter((k) => k.startsWith('ErrorBody'))).toEqual(['ErrorBody']);
    const error = ((schemas.ErrorBody as Schema).properties as Record<string, Schema>).error as Schema;
    expect(Object.keys(error.properties as object).sort()).toEqual([
      'code',
      'details',
      'message',
      'messageEn',
      'requestId',
    ]);
  });

  it('every operation has a 2xx response with a schema (or a 204)', () => {
    const missing = operations.filter(({ op }) => {
      const ok = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
      return !ok.some(([code, r]) => code === '204' || Object.values(r.content ?? {}).some((m) => m.schema));
    });
    expect(missing.map((o) => o.name)).toEqual([]);
  });

  it('every operation documents its errors, 4XX and 5XX, in the shared ErrorBody', () => {
    const missing = operations.flatMap(({ name, op }) =>
      ['4XX', '5XX'].flatMap((code) => {
        const content = op.responses?.[code]?.content ?? {};
        return Object.values(content).some((m) => isErrorBody(m.schema)) ? [] : [`${name} ${code}`];
      }),
    );
    expect(missing).toEqual([]);
  });

  it('every path parameter is documented', () => {
    const missing = operations.flatMap(({ name, path, op }) =>
      [...path.matchAll(/\{(\w+)\}/g)]
        .map((m) => m[1] as string)
        .filter((p) => !op.parameters?.some((x) => x.in === 'path' && x.name === p))
        .map((p) => `${name} {${p}}`),
    );
    expect(missing).toEqual([]);
  });

  it('every POST, PUT and PATCH documents its body (but the few that take none, listed with their reason)', () => {
    const missing = operations.filter(
      ({ name, method, op }) =>
        ['post', 'put', 'patch'].includes(method) &&
        !NO_BODY.has(name) &&
        !Object.values(op.requestBody?.content ?? {}).some((m) => m.schema),
    );
    expect(missing.map((o) => o.name)).toEqual([]);
    // the list holds only operations that exist and really have no body documented
    for (const name of NO_BODY) {
      const o = operations.find((x) => x.name === name);
      expect(o, name).toBeDefined();
      expect(o?.op.requestBody, name).toBeUndefined();
    }
  });

  it('POST /api/v1/messages documents its three forms (XML, DxpMsg in XML, JSON) and both receipt forms', () => {
    const op = doc.paths['/api/v1/messages']?.post as Operation;
    const content = op.requestBody?.content ?? {};
    expect(Object.keys(content).sort()).toEqual(['application/json', 'application/xml', 'text/xml']);
    expect(JSON.stringify(content['application/xml'])).toContain('DxpMsg');
    expect((content['application/json']?.schema?.properties as object) ?? {}).toHaveProperty('baseTransfer');
    expect(Object.keys(op.responses?.['200']?.content ?? {}).sort()).toEqual(['application/json', 'application/xml']);
  });

  it('the raw body asks for its purpose; the quota check documents its consent; the tax estimate its whole numbers', () => {
    const body = doc.paths['/api/v1/messages/{id}/body']?.get as Operation;
    expect(body.parameters?.some((p) => p.in === 'query' && p.name === 'purpose')).toBe(true);
    const quota = JSON.stringify(doc.paths['/api/v1/quota/check']?.post?.requestBody);
    expect(quota).toContain('consent');
    expect(quota).toContain('remaining');
    const estimate = JSON.stringify(doc.paths['/api/v1/tax/estimate']?.post?.requestBody);
    expect(estimate).toContain('"number"');
  });
});
