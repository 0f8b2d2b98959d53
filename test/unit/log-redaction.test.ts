import type { DestinationStream } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, loggerOptions, REDACT_CENSOR, redactPaths } from '../../src/platform/log.js';

/** A pino destination that keeps every line in memory. */
function memoryDestination(): DestinationStream & { text(): string; records(): Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    write(line: string) {
      lines.push(line);
    },
    text: () => lines.join(''),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Values that must never appear in a log line. */
const SECRETS = {
  idNumber: '11010519491231002X',
  legalRepId: '440524188001010014',
  buyerId: '620102199001011237',
  phone: '13812345678',
  contactPhone: '13987654321',
  buyerTelephone: '18912340000',
  password: 'Secret#Pass-123',
  newPassword: 'N3w#Pass-456',
  currentPassword: 'Curr#Pass-789',
  bearer: 'cbk_a1b2c3_BEARERSECRETVALUE',
  apiKeyHeader: 'cbk_d4e5f6_APIKEYHEADERVALUE',
  cookie: 'cbec_session=SESSIONCOOKIEVALUE',
  setCookie: 'cbec_session=SETCOOKIEVALUE; HttpOnly',
  address: '甘肃省兰州市城关区张掖路1号',
  consigneeAddress: '甘肃省兰州市七里河区西津西路2号',
  secret: 'client-secret-value-xyz',
  email: 'zhangsan@example.com',
};

function sampleRequestLog() {
  return {
    reqId: 'req-42',
    req: {
      method: 'POST',
      url: '/api/v1/filings',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${SECRETS.bearer}`,
        'x-api-key': SECRETS.apiKeyHeader,
        cookie: SECRETS.cookie,
      },
      body: {
        uscc: '91350100M000100Y43',
        enterpriseName: '兰州示例跨境电商有限公司',
        password: SECRETS.password,
        newPassword: SECRETS.newPassword,
        currentPassword: SECRETS.currentPassword,
        legalRepresentative: { name: '张三', idNumber: SECRETS.legalRepId },
        contacts: [{ role: 'customs', phone: SECRETS.contactPhone, email: SECRETS.email }],
        address: SECRETS.address,
      },
    },
    res: { statusCode: 201, headers: { 'set-cookie': SECRETS.setCookie } },
    user: { username: 'ops01', idNumber: SECRETS.idNumber, phone: SECRETS.phone },
    order: { orderNo: 'ORD-2025-0001', buyerIdNumber: SECRETS.buyerId, buyerTelephone: SECRETS.buyerTelephone },
    waybill: { items: [{ consigneeAddress: SECRETS.consigneeAddress, logisticsNo: 'LN0001' }] },
    client: { secret: SECRETS.secret },
  };
}

describe('log redaction of personal information and secrets', () => {
  it('no id number, phone, password, API key, cookie, address or secret reaches the output', () => {
    const dest = memoryDestination();
    createLogger('info', dest).info(sampleRequestLog(), 'filing submitted');
    const text = dest.text();
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(text, `${name} leaked`).not.toContain(value);
    }
    // Nor any recognisable fragment of the secret parts.
    expect(text).not.toMatch(/BEARERSECRET|APIKEYHEADER|SESSIONCOOKIE|SETCOOKIE|Pass-\d/);
  });

  it('other fields are kept, and redacted fields are replaced by [REDACTED] in place', () => {
    const dest = memoryDestination();
    createLogger('info', dest).info(sampleRequestLog(), 'filing submitted');
    const [record] = dest.records();
    expect(record).toMatchObject({
      msg: 'filing submitted',
      reqId: 'req-42',
      req: {
        method: 'POST',
        url: '/api/v1/filings',
        headers: {
          'content-type': 'application/json',
          authorization: REDACT_CENSOR,
          'x-api-key': REDACT_CENSOR,
          cookie: REDACT_CENSOR,
        },
        body: {
          uscc: '91350100M000100Y43',
          enterpriseName: '兰州示例跨境电商有限公司',
          password: REDACT_CENSOR,
          newPassword: REDACT_CENSOR,
          currentPassword: REDACT_CENSOR,
          legalRepresentative: { name: '张三', idNumber: REDACT_CENSOR },
          contacts: [{ role: 'customs', phone: REDACT_CENSOR, email: REDACT_CENSOR }],
          address: REDACT_CENSOR,
        },
      },
      res: { statusCode: 201, headers: { 'set-cookie': REDACT_CENSOR } },
      user: { username: 'ops01', idNumber: REDACT_CENSOR, phone: REDACT_CENSOR },
      order: { orderNo: 'ORD-2025-0001', buyerIdNumber: REDACT_CENSOR, buyerTelephone: REDACT_CENSOR },
      waybill: { items: [{ consigneeAddress: REDACT_CENSOR, logisticsNo: 'LN0001' }] },
      client: { secret: REDACT_CENSOR },
    });
  });

  const pii = () => ({ idNumber: SECRETS.idNumber, phone: SECRETS.phone, password: SECRETS.password });
  it.each([
    ['0: x', pii()],
    ['1: a.x', { a: pii() }],
    ['2: a[0].x', { a: [pii()] }],
    ['3: a.b[0].x', { a: { b: [pii()] } }],
    ['4: a[0].b[0].x', { a: [{ b: [pii()] }] }],
  ])('sensitive fields are redacted at nesting depth %s (objects and arrays)', (_depth, value) => {
    const dest = memoryDestination();
    createLogger('info', dest).info(value);
    expect(dest.text()).not.toContain(SECRETS.idNumber);
    expect(dest.text()).not.toContain(SECRETS.phone);
    expect(dest.text()).not.toContain(SECRETS.password);
    expect(dest.text().split(REDACT_CENSOR)).toHaveLength(4);
  });

  it('logging does not modify the caller’s object', () => {
    const entry = sampleRequestLog();
    createLogger('info', memoryDestination()).info(entry);
    expect(entry.user.idNumber).toBe(SECRETS.idNumber);
    expect(entry.req.headers.authorization).toBe(`Bearer ${SECRETS.bearer}`);
  });

  it('the level is honoured', () => {
    const dest = memoryDestination();
    const log = createLogger('warn', dest);
    log.info({ a: 1 }, 'hidden');
    log.warn({ a: 2 }, 'shown');
    expect(dest.records().map((r) => r.msg)).toEqual(['shown']);
  });
});

describe('redactPaths and loggerOptions', () => {
  it.each([
    'password',
    '*.password',
    'newPassword',
    'currentPassword',
    'idNumber',
    '*.idNumber',
    '*.*.idNumber',
    'phone',
    '*.phone',
    '*.*.phone',
    'address',
    '*.address',
    'req.headers.authorization',
    'req.headers.cookie',
    'res.headers["set-cookie"]',
    'secret',
    '*.secret',
    'legalRepresentative.idNumber',
  ])('includes %s', (path) => {
    expect(redactPaths).toContain(path);
  });

  it('loggerOptions carries the level, the paths and the censor (usable as Fastify’s logger option)', () => {
    const options = loggerOptions('debug');
    expect(options.level).toBe('debug');
    expect(options.redact).toEqual({ paths: redactPaths, censor: '[REDACTED]' });
  });
});
