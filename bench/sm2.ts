/**
 * SM2 verifications per second, single thread, for each backend: `npx tsx bench/sm2.ts [seconds]` (default 3).
 *
 * "per CPU-s" divides by the process CPU time (user + system) instead of wall time, so it stays meaningful on a
 * shared, busy machine (it slightly over-counts, as GC threads are included, so it is the conservative figure).
 */
import { sm2 as smjs } from 'sm-crypto-v2';
import {
  jsSm2,
  nativeSm2,
  nativeSm2Error,
  nativeSm2OpenSsl,
  type Sm2Backend,
  sm2Backend,
} from '../src/platform/crypto/sm2.js';

const seconds = Number(process.argv[2] ?? 3);

type Case = { message: string; signature: string; publicKey: string };

/** `keys` signers, each with a ~300-byte JSON-like message and its signature (made by sm-crypto-v2). */
function makeCases(keys: number): Case[] {
  return Array.from({ length: keys }, (_, i) => {
    const { privateKey, publicKey } = smjs.generateKeyPairHex();
    const message = JSON.stringify({
      guid: `4f2c6a3e-0000-4000-8000-${String(i).padStart(12, '0')}`,
      orderNo: `SO${20250000 + i}`,
      ebpCode: '3301960001',
      goodsValue: '1999.00',
      freight: '0.00',
      buyerName: '张三',
      consignee: '浙江省杭州市滨江区网商路 699 号',
      note: 'x'.repeat(80),
    });
    return { message, signature: smjs.doSignature(message, privateKey, { hash: true, der: false }), publicKey };
  });
}

type Row = { backend: string; keys: number; ops: number; wall: number; cpu: number };

function run(backend: Sm2Backend, cases: Case[], budget: number): Row {
  for (const c of cases.slice(0, 4))
    if (!backend.verify(c.message, c.signature, c.publicKey)) throw new Error('bad case');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let ops = 0;
  let ok = 0;
  while (performance.now() - t0 < budget * 1000) {
    for (let i = 0; i < 16; i++) {
      const c = cases[ops % cases.length]!;
      if (backend.verify(c.message, c.signature, c.publicKey)) ok++;
      ops++;
    }
  }
  const wall = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  if (ok !== ops) throw new Error(`${ops - ok} verifications failed`);
  return { backend: backend.name, keys: cases.length, ops, wall, cpu: (cu.user + cu.system) / 1e6 };
}

const rows: Row[] = [];
const few = makeCases(16);
const many = makeCases(200); // more signers than the addon's 64-slot key cache: every key is decoded again
const native = nativeSm2();
if (native) {
  run(native, few, 0.3); // warm-up
  rows.push(run(native, few, seconds));
  rows.push(run(native, many, seconds));
}
run(jsSm2, few, 0.3);
rows.push(run(jsSm2, few, seconds));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`SM2 verify (SM3 + Z, ~300-byte message), single thread, ~${seconds} s each — Node ${process.version}`);
console.log(
  native ? `native: ${nativeSm2OpenSsl()}` : `native: unavailable (${nativeSm2Error()})`,
  `| default backend: ${sm2Backend()}`,
);
console.log('');
console.log('| backend | signers | verifications | wall s | verify/s (wall) | verify/s per CPU-s |');
console.log('|---------|--------:|--------------:|-------:|----------------:|-------------------:|');
for (const r of rows)
  console.log(
    `| ${r.backend.padEnd(7)} | ${String(r.keys).padStart(7)} | ${fmt(r.ops).padStart(13)} | ${r.wall.toFixed(2).padStart(6)} | ${fmt(r.ops / r.wall).padStart(15)} | ${fmt(r.ops / r.cpu).padStart(18)} |`,
  );
const [n16, js16] = [rows.find((r) => r.backend === 'native'), rows.find((r) => r.backend === 'js')];
if (n16 && js16) console.log(`\nnative / js: ${(n16.ops / n16.cpu / (js16.ops / js16.cpu)).toFixed(1)}× (per CPU-s)`);
