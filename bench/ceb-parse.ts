/**
 * CEB codec throughput: `npx tsx bench/ceb-parse.ts [seconds per case]` (default 1).
 *
 * CEB311 messages of 1, 10 and 100 orders (2 items each, built with buildCeb from test/support/ceb.ts), as the
 * intake receives them (a Buffer). For each size: parseCeb, validateCeb (the JSON path), buildCeb (alone, and with
 * the UTF-8 encoding a reply does) and validateCebXml (libxml2-wasm parse + full XSD validation, from bytes and
 * from a string), in MB/s of XML, µs per message, per order and per KB.
 * Figures divide the process CPU time (user + system) rather than wall time, so they stay meaningful on a shared,
 * busy machine (GC helper threads are included, so they are the conservative figures); wall time is shown last.
 */
import { buildCeb, type CebMessage, parseCeb, validateCeb } from '../src/modules/declaration/ceb/codec.js';
import { validateCebXml } from '../src/modules/declaration/ceb/xsd-validator.js';
import { orderMessage, orderRecord } from '../test/support/ceb.js';

const seconds = Number(process.argv[2] ?? 1);

type Case = { orders: number; message: CebMessage; xml: string; bytes: Buffer };

function makeCase(orders: number): Case {
  const records = Array.from({ length: orders }, (_, i) =>
    orderRecord({ orderNo: `SO${String(20260000 + i)}`, items: 2 }),
  );
  const message = orderMessage(records);
  const xml = buildCeb(message);
  const bytes = Buffer.from(xml, 'utf8');
  return { orders, message, xml: bytes.toString('utf8'), bytes };
}

type Row = { op: string; orders: number; kb: number; perOpUs: number; cpuPerOpUs: number };

function measure(op: string, c: Case, fn: () => unknown): Row {
  // Warm-up (JIT, caches, the XSD compilation of validateCebXml).
  const warm = performance.now();
  while (performance.now() - warm < Math.min(300, seconds * 300)) fn();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let ops = 0;
  while (performance.now() - t0 < seconds * 1000) {
    for (let i = 0; i < 4; i++) fn();
    ops += 4;
  }
  const wall = (performance.now() - t0) * 1000;
  const cpu = process.cpuUsage(c0);
  return {
    op,
    orders: c.orders,
    kb: c.bytes.byteLength / 1024,
    perOpUs: wall / ops,
    cpuPerOpUs: (cpu.user + cpu.system) / ops,
  };
}

function check(c: Case): void {
  const parsed = parseCeb(c.bytes);
  if (!parsed.ok) throw new Error(`parseCeb refused the bench message: ${JSON.stringify(parsed.errors[0])}`);
  if (parsed.message.records.length !== c.orders) throw new Error('wrong record count');
  if (validateCeb(c.message).length > 0) throw new Error('validateCeb refused the bench message');
  const xsd = validateCebXml(c.bytes, 'CEB311Message');
  if (xsd.length > 0) throw new Error(`validateCebXml refused the bench message: ${JSON.stringify(xsd[0])}`);
}

const rows: Row[] = [];
for (const orders of [1, 10, 100]) {
  const c = makeCase(orders);
  check(c);
  rows.push(measure('parseCeb', c, () => parseCeb(c.bytes)));
  rows.push(measure('validateCeb (JSON)', c, () => validateCeb(c.message)));
  rows.push(measure('buildCeb', c, () => buildCeb(c.message)));
  // What a caller pays to send it: the string's first read copies its pieces into one (see buildCeb).
  rows.push(measure('buildCeb + Buffer.from', c, () => Buffer.from(buildCeb(c.message), 'utf8')));
  rows.push(measure('validateCebXml (bytes)', c, () => validateCebXml(c.bytes, 'CEB311Message')));
  rows.push(measure('validateCebXml (string)', c, () => validateCebXml(c.xml, 'CEB311Message')));
}

const fmt = (n: number, width: number, digits = 1) => n.toFixed(digits).padStart(width);
console.log(
  'operation'.padEnd(26) +
    ['orders', 'KB', 'µs/msg', 'µs/order', 'µs/KB', 'MB/s', 'orders/s', 'wall µs/msg']
      .map((h) => h.padStart(11))
      .join(''),
);
for (const r of rows) {
  const us = r.cpuPerOpUs;
  console.log(
    r.op.padEnd(26) +
      [
        fmt(r.orders, 12, 0),
        fmt(r.kb, 12),
        fmt(us, 12),
        fmt(us / r.orders, 12),
        fmt(us / r.kb, 12, 2),
        fmt((r.kb * 1024) / us, 12, 2),
        fmt((1e6 / us) * r.orders, 12, 0),
        fmt(r.perOpUs, 12),
      ].join(''),
  );
}
