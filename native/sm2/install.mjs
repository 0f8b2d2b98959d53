// Builds the SM2 addon (native/sm2/build/Release/sm2.node) with the node-gyp that npm bundles, against the headers of
// the running Node (found next to it, or npm's `nodedir`), so that nothing is downloaded. Run by the project's
// `install` script (`npm ci` / `npm install`); can be run by hand: `node native/sm2/install.mjs`.
// It never fails the install: without the addon, src/platform/crypto/sm2.ts uses the pure-JS SM2 (sm-crypto-v2).
// CBEC_SM2_NATIVE_BUILD=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const FALLBACK = 'native SM2 not built; using the pure-JS fallback';

function log(message) {
  console.log(`[sm2] ${message}`);
}

/** node-gyp's entry script: the one npm passes to lifecycle scripts, else the one bundled with this Node's npm. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.resolve(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    path.resolve(path.dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/** The install prefix whose include/node holds this very Node's headers (node_version.h of the same version). */
function localNodeDir() {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  try {
    const h = readFileSync(path.join(prefix, 'include/node/node_version.h'), 'utf8');
    const part = (name) => h.match(new RegExp(`#define ${name} (\\d+)`))?.[1];
    const version = `v${part('NODE_MAJOR_VERSION')}.${part('NODE_MINOR_VERSION')}.${part('NODE_PATCH_VERSION')}`;
    if (version === process.version && existsSync(path.join(prefix, 'include/node/openssl/evp.h'))) return prefix;
  } catch {
    // no headers next to this node
  }
  return undefined;
}

function main() {
  if (process.env.CBEC_SM2_NATIVE_BUILD === '0') {
    log(`CBEC_SM2_NATIVE_BUILD=0: ${FALLBACK}`);
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    log(`node-gyp not found; ${FALLBACK}`);
    return;
  }
  const args = [nodeGyp, 'rebuild', '--loglevel=warn'];
  const configured = process.env.npm_config_nodedir;
  const nodedir =
    configured && existsSync(path.join(configured, 'include/node/node_api.h')) ? configured : localNodeDir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  else log('no local Node headers found; node-gyp will try to download them');

  log(`building with ${nodeGyp}${nodedir ? ` against ${nodedir}/include/node` : ''}`);
  const build = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    if (output) console.log(output);
    if (build.error) log(String(build.error));
    rmSync(path.join(dir, 'build'), { recursive: true, force: true });
    log(FALLBACK);
    return;
  }

  // Load it in a child process and check it against the GM/T 0003.5 example before calling it built.
  const check = spawnSync(process.execPath, ['-e', SELF_TEST], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (check.status !== 0) {
    console.log(`${check.stdout ?? ''}${check.stderr ?? ''}`.trim());
    rmSync(path.join(dir, 'build'), { recursive: true, force: true });
    log(`the built addon failed its self-test; ${FALLBACK}`);
    return;
  }
  log(`native SM2 built: ${check.stdout.trim()}`);
}

const SELF_TEST = `
const sm2 = require('./build/Release/sm2.node');
const pub = '0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020'
  + 'ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13';
const sig = 'f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3'
  + 'b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa';
const msg = Buffer.from('message digest');
if (sm2.verify(pub, msg, sig) !== true) throw new Error('the standard example does not verify');
if (sm2.verify(pub, Buffer.from('message digesT'), sig) !== false) throw new Error('a wrong message verifies');
const d = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8';
if (sm2.verify(pub, msg, sm2.sign(d, msg)) !== true) throw new Error('sign/verify round trip failed');
console.log(sm2.openssl);
`;

try {
  main();
} catch (err) {
  log(`${err instanceof Error ? err.message : String(err)}; ${FALLBACK}`);
}
