/**
 * Issue 8 §4: a property test over every route the app really has (Fastify's route tree, with the request schemas
 * of the OpenAPI document) and the message entry. Each route is called as each kind of caller (anonymous, an
 * enterprise API key, an enterprise user, a customs officer, the platform admin) with hostile path parameters,
 * query strings and bodies: wrong types, huge strings, deep nesting, Unicode spaces, control characters, NUL, lone
 * surrogates, numbers out of range, prototype-pollution keys, and XML bombs at the message entry. Asserted for
 * every answer: no 5xx, an answer within 2 s (a generous per-request bound, not a timing assertion), and the
 * platform's error shape on every 4xx (a CEB format receipt at the message entry). Seeded: a failure names its seed
 * and the shrunk request.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCeb } from '../../src/modules/declaration/ceb/codec.js';
import type { App } from '../../src/platform/http/app.js';
import { orderMessage, orderRecord, PARTIES } from '../support/ceb.js';
import { login } from '../support/http.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260808);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const BOUND_MS = 2_000;

type Who = 'anonymous' | 'api_key' | 'enterprise_admin' | 'customs' | 'platform_admin';
const WHO: readonly Who[] = ['anonymous', 'api_key', 'enterprise_admin', 'customs', 'platform_admin'];

/** Routes not called: logout ends the caller's session (every later request would be anonymous). */
const SKIPPED = new Set(['POST /api/v1/auth/logout']);

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
};
type Operation = {
  method: string;
  /** With :param placeholders. */
  url: string;
  params: string[];
  query: Record<string, JsonSchema>;
  body: JsonSchema | null;
};

/** Every route of the app (Fastify's route tree), with the OpenAPI request schemas where documented. */
function operationsOf(app: App): Operation[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = (m[1] as string).length / 4;
    stack.push(m[2] as string);
    for (const method of m[3]?.split(', ') ?? []) routes.push(`${method} ${stack.join('')}`);
  }
  type Doc = {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string; schema?: JsonSchema }[];
          requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        }
      >
    >;
  };
  const doc = app.swagger() as unknown as Doc;
  const documented = new Map<string, Doc['paths'][string][string]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      documented.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op);
    }
  }
  return (
    [...new Set(routes)]
      // (the web app's static files, present once it is built, are not JSON routes)
      .filter((r) => !r.startsWith('HEAD ') && !r.startsWith('OPTIONS ') && !SKIPPED.has(r) && !r.includes('*'))
      .filter((r) => !/^GET \/(?:assets\/|[^/]+\.(?:html|ico|png|svg|js|css|txt|webmanifest)$)/.test(r))
      .sort()
      .map((r) => {
        const [method, url] = r.split(' ') as [string, string];
        const op = documented.get(r);
        const query = Object.fromEntries(
          (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}]),
        );
        const body = op?.requestBody?.content?.['application/json']?.schema ?? null;
        return { method, url, params: [...url.matchAll(/:(\w+)/g)].map((m) => m[1] as string), query, body };
      })
  );
}

// ---- hostile values ----------------------------------------------------------------------------------------------

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const SPECIAL = [
  '',
  ' ',
  '\u3000',
  '1\u3000',
  '50.00\u00a0',
  '\u00a0',
  '\u200b',
  '\ufeff',
  '\u202e',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\r\n',
  '\ud800',
  'x\udc00',
  '😀'.repeat(50),
  '../../../etc/passwd',
  "' OR '1'='1' --",
  '"; drop table users; --',
  '<script>alert(1)</script>',
  '%00',
  '%',
  '%zz',
  '__proto__',
  'constructor',
  'prototype',
  'NaN',
  'Infinity',
  '-1',
  '+1',
  '.5',
  '5.',
  '1e309',
  '-0',
  '9'.repeat(40),
  '9'.repeat(400),
  'x'.repeat(5_000),
  'null',
  'true',
  '2026-02-30',
  '2026-13-01T25:61:61Z',
  '91350100M000100Y43',
  '91350100M000100Y44',
  PARTIES.ebp,
  '00000000-0000-0000-0000-000000000000',
  'ebc',
  '1',
  '142',
];
const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: loneSurrogate, minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.uuid() },
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -1, 1, 1.5, -0.000001, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e21, 1e308, -1e308, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const POLLUTION = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];
const nested = (depth: number, leaf: unknown, asObject: boolean): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
};
const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...POLLUTION)), tie('value'), { maxKeys: 4 }),
    fc.integer({ min: 30, max: 200 }).chain((d) => fc.boolean().map((o) => nested(d, 'x', o))),
    fc.constant(Array.from({ length: 2_000 }, (_, i) => i)),
  ),
}));

/** A value shaped by the schema (so that it gets past the first checks) or, often, hostile. */
function fromSchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return hostileValue;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fromSchema(s, depth + 1)), hostileValue);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let shaped: fc.Arbitrary<unknown>;
  if (schema.enum?.length) shaped = fc.constantFrom(...schema.enum);
  else if (type === 'object' && schema.properties) {
    const props = schema.properties;
    shaped = fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, fromSchema(s, depth + 1)])), {
      requiredKeys: [],
    });
  } else if (type === 'array') shaped = fc.array(fromSchema(schema.items, depth + 1), { maxLength: 3 });
  else if (type === 'string') shaped = hostileString;
  else if (type === 'integer' || type === 'number') shaped = hostileNumber;
  else if (type === 'boolean') shaped = fc.boolean();
  else shaped = hostileValue;
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue });
}

/** Raw JSON texts no serialiser would write. */
const rawJson = fc.constantFrom(
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}`,
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"a":1,"a":2}',
  '{"a":',
  '',
  'null',
  '[]',
  '"string"',
  '1e999999',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  `{"a":"${'\\u3000'.repeat(100)}"}`,
  `[${'1,'.repeat(50_000)}1]`,
);

const XML_BOMBS = [
  '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
  `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><r>&c;</r>`,
  `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`,
  `<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="${'x'.repeat(100_000)}" version="1.0"/>`,
  `<r ${Array.from({ length: 5_000 }, (_, i) => `a${i}="1"`).join(' ')}/>`,
  '<r>',
  '<?xml version="1.0" encoding="GBK"?><r/>',
  '\u0000\u0000\u0000',
  '<r xmlns:x="urn:x"><x:y xmlns:x="urn:z"/></r>',
  `<r>${'&amp;'.repeat(100_000)}</r>`,
  '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="G" version="1.0"><ceb:Order><ceb:OrderHead/></ceb:Order></ceb:CEB311Message>',
];

// -----------------------------------------------------------------------------------------------------------------

describe('fuzz: every route × every caller, hostile input (seeded)', () => {
  let t: TestPlatform;
  let ops: Operation[];
  const headers = new Map<Who, Record<string, string>>();
  let orderXml: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    const e0 = t.report.demo?.enterprises[0]?.uscc as string;
    const { secret } = await t.p.identity.createApiKey({ name: 'fuzz' }, PARTIES.ebp, 'fuzz', null);
    headers.set('anonymous', {});
    headers.set('api_key', { authorization: `Bearer ${secret}` });
    headers.set('enterprise_admin', { cookie: await login(t.app, 'ebp.demo') });
    headers.set('customs', { cookie: await login(t.app, 'customs.demo') });
    headers.set('platform_admin', { cookie: await login(t.app, 'admin', t.adminPassword) });
    ops = operationsOf(t.app);
    if (process.env.FUZZ_LIST) console.log(ops.map((o) => `${o.method} ${o.url}`).join('\n'));
    orderXml = buildCeb(orderMessage([orderRecord({ orderNo: `FUZZ-${process.pid}` })]));
    expect(e0).toBeTruthy();
  }, 120_000);
  afterAll(async () => {
    console.log(
      `fuzz answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ` +
        `routes answered 2xx at least once: ${reached.size} of ${ops?.length}`,
    );
    await t?.close();
  });

  const pathValue = fc.oneof(
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.constantFrom(PARTIES.ebp, randomUUID(), '1', 'tariff-rates') },
  );
  const encode = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      return s.replace(/[\ud800-\udfff]/g, '%ED%A0%80'); // a lone surrogate, as invalid UTF-8
    }
  };

  /** The request for one operation from generated parts. */
  const requestArb = (op: Operation) =>
    fc.record({
      who: fc.constantFrom(...WHO),
      params: fc.array(pathValue, { minLength: op.params.length, maxLength: op.params.length }),
      query: fc.oneof(
        fc.record(Object.fromEntries(Object.entries(op.query).map(([k, s]) => [k, fromSchema(s)])), {
          requiredKeys: [],
        }),
        fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...POLLUTION)), hostileString, { maxKeys: 3 }),
      ),
      rawQuery: fc.option(fc.constantFrom('a[b]=1&a[c]=2', '%zz', '&&&', `q=${'%41'.repeat(3000)}`, 'page=1&page=2'), {
        nil: undefined,
      }),
      body: op.url === '/api/v1/messages' ? messageBody : jsonBody(op),
    });
  const jsonBody = (op: Operation) =>
    fc.oneof(
      { weight: 4, arbitrary: fromSchema(op.body ?? undefined).map((v) => ({ json: v })) },
      { weight: 1, arbitrary: rawJson.map((raw) => ({ raw, type: 'application/json' })) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x')
          .map((type) => ({ raw: 'x=1', type })),
      },
    );
  const mutatedOrder = fc
    .tuple(
      fc.constantFrom(
        'orderNo',
        'freight',
        'goodsValue',
        'appTime',
        'currency',
        'buyerIdNumber',
        'ebpCode',
        'qty',
        'price',
      ),
      hostileString,
    )
    .map(([field, value]) => ({
      raw: orderXmlWith(field, value),
      type: 'application/xml',
    }));
  let orderXmlWith: (field: string, value: string) => string = () => '';
  const messageBody = fc.oneof(
    fc.constantFrom(...XML_BOMBS).map((raw) => ({ raw, type: 'application/xml' })),
    mutatedOrder,
    rawJson.map((raw) => ({ raw, type: 'application/json' })),
    fc
      .tuple(fc.constantFrom('freight', 'goodsValue', 'currency', 'orderNo', 'buyerName'), hostileValue)
      .map(([field, value]) => {
        const m = orderMessage([orderRecord({ orderNo: `FUZZ-J-${Math.random().toString(36).slice(2)}` })]);
        (m.records[0] as { OrderHead: Record<string, unknown> }).OrderHead[field] = value;
        return { json: m as unknown };
      }),
    hostileValue.map((v) => ({ json: v })),
  );

  type Generated = {
    who: Who;
    params: string[];
    query: Record<string, unknown>;
    rawQuery: string | undefined;
    body: { json?: unknown; raw?: string; type?: string };
  };

  function toInject(op: Operation, g: Generated): InjectOptions {
    let i = 0;
    const path = op.url.replace(/:(\w+)/g, () => encode(g.params[i++] ?? ''));
    const query = Object.entries(g.query)
      .map(([k, v]) => `${encode(k)}=${encode(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`)
      .concat(g.rawQuery ? [g.rawQuery] : [])
      .join('&');
    const req: InjectOptions = {
      method: op.method as InjectOptions['method'],
      url: query ? `${path}?${query}` : path,
      // the message entry answers XML senders in CEB900 XML; the receipt is read here as JSON
      headers: {
        ...(headers.get(g.who) ?? {}),
        ...(op.url === '/api/v1/messages' ? { accept: 'application/json' } : {}),
      },
    };
    if (op.method !== 'GET' && op.method !== 'DELETE') {
      if ('json' in g.body) {
        req.payload = JSON.stringify(g.body.json) ?? 'null';
        (req.headers as Record<string, string>)['content-type'] = 'application/json';
      } else {
        req.payload = g.body.raw ?? '';
        (req.headers as Record<string, string>)['content-type'] = g.body.type ?? 'application/json';
      }
    }
    return req;
  }

  /** What the answers were (printed at the end: the run must reach the handlers, not only the validators). */
  const statuses = new Map<string, number>();
  const reached = new Set<string>();

  async function check(op: Operation, req: InjectOptions): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const res = await Promise.race([
      t.app.inject(req),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${BOUND_MS} ms`)), BOUND_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    const key = `${res.statusCode}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    if (res.statusCode < 300) reached.add(`${op.method} ${op.url}`);
    const where = `${req.method} ${String(req.url).slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
    expect(res.statusCode, where).toBeLessThan(500);
    if (res.statusCode >= 400 && req.method !== 'HEAD') {
      const body = res.json();
      if (op.url === '/api/v1/messages' && body.receipt) {
        expect(body.receipt, where).toMatchObject({ status: 'rejected', errors: expect.any(Array) });
        expect(body.receipt.errors.length, where).toBeGreaterThan(0);
      } else {
        expect(body, where).toMatchObject({
          error: {
            code: expect.any(String),
            message: expect.any(String),
            messageEn: expect.any(String),
            details: expect.any(Array),
            requestId: expect.any(String),
          },
        });
      }
    }
  }

  it('finds the routes: the /api routes of the OpenAPI document and the message entry are all there', () => {
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.map((o) => `${o.method} ${o.url}`)).toContain('POST /api/v1/messages');
    expect(ops.filter((o) => o.body !== null).length).toBeGreaterThan(10);
  });

  it('every route as every caller once, with hostile parameters and body', async () => {
    orderXmlWith = (field, value) =>
      orderXml.replace(new RegExp(`<ceb:${field}>[^<]*<`), `<ceb:${field}>${value.replace(/[<&]/g, '')}<`);
    const hostile = '\u0000\u3000<x>%zz\ud800';
    for (const op of ops) {
      for (const who of WHO) {
        await check(
          op,
          toInject(op, {
            who,
            params: op.params.map(() => hostile),
            query: { page: '-1', pageSize: '1e309', [hostile]: hostile },
            rawQuery: '__proto__[x]=1',
            body: { raw: `{"__proto__":{"x":1},"a":${'['.repeat(200)}${']'.repeat(200)}}`, type: 'application/json' },
          }),
        );
      }
    }
  }, 120_000);

  it(`property: random hostile requests over every route (seed ${SEED}, ${RUNS} runs)`, async () => {
    orderXmlWith = (field, value) =>
      orderXml.replace(new RegExp(`<ceb:${field}>[^<]*<`), `<ceb:${field}>${value.replace(/[<&]/g, '')}<`);
    const arb = fc
      .integer({ min: 0, max: ops.length - 1 })
      .chain((i) => requestArb(ops[i] as Operation).map((g) => ({ op: ops[i] as Operation, g: g as Generated })));
    await fc.assert(
      fc.asyncProperty(arb, async ({ op, g }) => {
        await check(op, toInject(op, g));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 180_000);
});
