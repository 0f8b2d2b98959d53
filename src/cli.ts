import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { seedDemo } from './app/demo.js';
import {
  createApp,
  createPlatform,
  describeStartup,
  openConfiguredDatabase,
  prepare,
  VERSION,
} from './app/platform.js';
import { isReferenceKind, REFERENCE_KINDS } from './modules/clearance/tables/reference-kinds.js';
import { tooLarge } from './modules/clearance/tables/reference-tables.js';
import { formatTableError, TABLE_NAMES } from './modules/clearance/tables/tables.js';
import { loadConfig } from './platform/config.js';
import { migrateDatabase } from './platform/db/client.js';
import { DataDirLockedError } from './platform/db/lock.js';
import { ROLES, type Role } from './platform/http/auth.js';
import { AppError } from './platform/http/errors.js';

const program = new Command()
  .name('cbec-zone')
  .description('跨境电子商务综合试验区线上综合服务平台 / cross-border e-commerce pilot zone platform')
  .version(VERSION);

const cliActor = { name: `cli:${process.env.USER ?? 'operator'}`, role: 'system' };

program
  .command('serve')
  .description('Run the platform (HTTP API and web app)')
  .action(async () => {
    const config = loadConfig();
    const p = await createPlatform(config);
    const report = await prepare(p);
    const app = await createApp(p);
    const address = await app.listen({ port: config.port, host: config.host });
    if (config.clearanceMode === 'emulated') p.clearance.start();
    else p.gateway?.start().catch((e: unknown) => p.log.error({ err: String(e) }, 'customs gateway stopped'));
    const text = describeStartup(report);
    if (text) console.log(text);
    if (p.tables.current().sample) {
      console.log(
        '参数表含样例（tables/samples，非官方）/ reference tables include the labelled SAMPLE: load the official ones ' +
          'with `cbec-zone tables import` or the console (参数表管理)',
      );
    }
    const url = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
    console.log(`\ncbec-zone ${VERSION} 已启动 / running at ${url}  (database: ${p.dbh.kind} ${p.dbh.location})`);
    console.log(`  API docs: ${url}/docs   OpenAPI: ${url}/openapi.json   health: ${url}/readyz`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await app.close();
      await p.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('clearance-worker')
  .description(
    'Decide import lists in a process of its own beside `serve` (PostgreSQL: workers share the lists with SKIP LOCKED)',
  )
  .action(async () => {
    const config = loadConfig();
    if (!config.databaseUrl) {
      console.error(
        '清单通关工作进程需要 PostgreSQL（DATABASE_URL）：嵌入式数据库只能由一个进程打开 / ' +
          'a clearance worker needs PostgreSQL (DATABASE_URL): the embedded database is opened by one process only',
      );
      process.exit(2);
    }
    if (config.clearanceMode !== 'emulated') {
      console.error('CBEC_CLEARANCE_MODE=connected: customs decides, there is nothing for a clearance worker to do');
      process.exit(2);
    }
    const p = await createPlatform(config);
    p.clearance.start();
    console.log(`clearance worker running (pid ${process.pid}, database ${p.dbh.location})`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await p.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('Apply database migrations')
  .action(async () => {
    const config = loadConfig();
    const dbh = await openConfiguredDatabase(config);
    try {
      await migrateDatabase(dbh);
      console.log(`migrations applied (${dbh.kind} ${dbh.location})`);
    } finally {
      await dbh.close();
    }
  });

program
  .command('seed')
  .description('Write the demo enterprises and users (only into a database without enterprises)')
  .action(async () => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      if ((await p.filing.list({ kind: 'anonymous' }, { page: 1, pageSize: 1 })).total > 0) {
        console.log('enterprises exist already; demo data not written');
        return;
      }
      const summary = await seedDemo(p.identity, p.filing, p.credit, p.delegations);
      console.log(describeStartup({ admin: { created: false }, demo: summary }));
    } finally {
      await p.close();
    }
  });

const users = program.command('users').description('Manage users');
users
  .command('create')
  .description('Create a user')
  .requiredOption('--username <name>')
  .addOption(new Option('--role <role>').choices([...ROLES]).makeOptionMandatory())
  .option('--display-name <name>')
  .option('--enterprise <uscc>', 'the enterprise of an enterprise user')
  .requiredOption('--password <password>')
  .action(async (o: { username: string; role: Role; displayName?: string; enterprise?: string; password: string }) => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      if (o.enterprise && !(await p.filing.exists(o.enterprise))) throw AppError.notFound('enterprise', '企业');
      const u = await p.identity.createUserTx(cliActor, {
        username: o.username,
        displayName: o.displayName ?? o.username,
        role: o.role,
        enterpriseUscc: o.enterprise ?? null,
        password: o.password,
      });
      console.log(`user ${u.username} (${u.role}) created, id ${u.id}`);
    } finally {
      await p.close();
    }
  });
users
  .command('reset')
  .description("Reset a user's password and re-enable the account (the user must change it at next sign-in)")
  .requiredOption('--username <name>')
  .requiredOption('--password <password>')
  .action(async (o: { username: string; password: string }) => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      const u = (await p.identity.listUsers()).find((x) => x.username.toLowerCase() === o.username.toLowerCase());
      if (!u) throw AppError.notFound('user', '用户');
      await p.identity.resetPassword(cliActor, u.id, o.password);
      if (u.status !== 'active') await p.identity.setStatus(cliActor, u.id, 'active');
      console.log(`password of ${u.username} reset`);
    } finally {
      await p.close();
    }
  });

program
  .command('audit')
  .description('Audit trail')
  .command('verify')
  .description('Verify the SM3 hash chain of the audit log; exit status 1 when anything was altered or deleted')
  .action(async () => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      const r = await p.audit.verify();
      if (r.ok) {
        console.log(`审计日志完整 / audit log intact: ${r.rows} rows, head seq ${r.headSeq}`);
      } else {
        console.log(`审计日志被篡改 / audit log TAMPERED: ${r.problems.length} problem(s) in ${r.rows} rows`);
        for (const x of r.problems) console.log(`  seq ${x.seq ?? '-'}: ${x.problem}`);
        process.exitCode = 1;
      }
    } finally {
      await p.close();
    }
  });

const tables = program
  .command('tables')
  .description(
    'Reference tables (参数表): tariff-rates, positive-list, exchange-rates, customs-params, holidays, export-conditions (columns in tables/samples/README.md)',
  );
tables
  .command('import')
  .description(
    'Load a new version of a table from CSV (UTF-8) or XLSX (first worksheet); in force at once. Prints the new ' +
      'version id; exit status 1 with every error (line, column, 中文 and English) when the file does not validate',
  )
  .argument('<kind>', REFERENCE_KINDS.join(' | '))
  .argument('<file>')
  .option('--label <text>', 'a label for the version (e.g. "2026 税则 第2版"); default: the file name')
  .action(async (kind: string, file: string, o: { label?: string }) => {
    if (!isReferenceKind(kind)) {
      console.error(`未知的参数表类型 / unknown table kind: ${kind} (${REFERENCE_KINDS.join(', ')})`);
      process.exitCode = 1;
      return;
    }
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
    // a file beyond CBEC_TABLE_MAX_BYTES is refused before it is read into memory
    if ((await stat(file)).size > config.tableLimits.maxBytes) {
      const t = tooLarge(config.tableLimits.maxBytes);
      console.error(`未导入 / not imported: ${file}\n  ${t.messageZh}\n  ${t.messageEn}`);
      process.exitCode = 1;
      return;
    }
    const content = await readFile(file);
    const p = await createPlatform(config);
    try {
      const r = await p.tables.import(kind, {
        content,
        fileName: basename(file),
        label: o.label,
        by: cliActor.name,
        actor: cliActor,
      });
      if (!r.ok) {
        console.error(
          r.code === 'UNCHANGED'
            ? `未导入 / not imported: ${file}`
            : `未导入，共 ${r.errors.length} 处错误 / not imported: ${r.errors.length} error(s) in ${file}`,
        );
        for (const e of r.errors) console.error(`  ${formatTableError(e, 'zh')}\n  ${formatTableError(e, 'en')}`);
        process.exitCode = 1;
        return;
      }
      const v = r.version;
      console.log(v.id);
      console.error(`${kind}: “${v.label}” ${v.rowCount} rows, sha256 ${v.sha256} — 已生效 / in force`);
    } finally {
      await p.close();
    }
  });
tables
  .command('list')
  .description('Every version of every table, the one in force marked *')
  .action(async () => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      const all = await p.tables.list();
      for (const kind of REFERENCE_KINDS) {
        console.log(`${kind} (${TABLE_NAMES[kind].zh})`);
        for (const v of all[kind]) {
          const tags = [v.inForce ? '*' : ' ', v.isSample ? 'SAMPLE' : ''].join(' ');
          console.log(
            `  ${tags.padEnd(8)} ${v.id}  ${v.loadedAt.toISOString()}  ${String(v.rowCount).padStart(6)} rows  ${v.label}  (${v.sourceName}, ${v.loadedBy ?? '-'})`,
          );
        }
      }
    } finally {
      await p.close();
    }
  });
tables
  .command('export')
  .description("Write a version's CSV, exactly as stored, to FILE or standard output")
  .argument('<id>', 'the version id (see tables list)')
  .argument('[file]')
  .action(async (id: string, file: string | undefined) => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      const r = /^[0-9a-f-]{36}$/i.test(id) ? await p.tables.content(id) : null;
      if (!r) throw AppError.notFound('table version', '参数表版本');
      if (file) await writeFile(file, r.content);
      else process.stdout.write(r.content);
    } finally {
      await p.close();
    }
  });

program
  .command('customs-emulator')
  .description(
    'Play customs for connected mode (no database): take DxpMsg messages from the gateway transport, decide lists ' +
      'with the clearance engine, send receipts back (CEB312/412/512/622/624/626/712/816). Runs until SIGINT/SIGTERM',
  )
  .option('--amqp <url>', 'RabbitMQ, e.g. amqp://guest:guest@127.0.0.1:5672')
  .option('--inbound <queue>', "the queue customs reads (the platform's outbound queue)", 'cbec.to-customs')
  .option(
    '--outbound <queue>',
    "the queue customs writes receipts to (the platform's inbound queue)",
    'cbec.from-customs',
  )
  .option('--folder <dir>', 'the folder exchange instead: reads <dir>/outbox, writes receipts to <dir>/inbox')
  .option(
    '--tables <dir>',
    'clearance tables (tariff-rates.csv, positive-list.csv, exchange-rates.csv); default: the samples',
  )
  .option('--inspection-rate <rate>', "inspection share of a general enterprise's lists", '0.05')
  .option('--node-id <id>', 'DxpMsg SenderId of customs', 'DXPEDCCEB0000002')
  .option(
    '--platform-key <hex>',
    "the platform's SM2 public key (04…): drop DxpMsg messages whose signature does not verify",
  )
  .option('--quiet', 'no log lines')
  .action(
    async (o: {
      amqp?: string;
      inbound: string;
      outbound: string;
      folder?: string;
      tables?: string;
      inspectionRate: string;
      nodeId: string;
      platformKey?: string;
      quiet?: boolean;
    }) => {
      const { CustomsEmulator, runCustomsEmulator } = await import('./modules/gateway/customs-emulator.js');
      const { openGatewayTransport } = await import('./modules/gateway/connected.js');
      const { readClearanceTables, SAMPLE_TABLES_DIR } = await import('./modules/clearance/tables/table-files.js');
      const { Decimal } = await import('./kernel/money.js');
      if (!o.amqp === !o.folder) throw new Error('customs-emulator: give either --amqp URL or --folder DIR');
      const tablesDir = o.tables ?? SAMPLE_TABLES_DIR;
      const loaded = await readClearanceTables(tablesDir);
      if (!loaded.ok) {
        throw new Error(`tables in ${tablesDir}:\n${loaded.errors.map((e) => formatTableError(e, 'en')).join('\n')}`);
      }
      const line = (level: string) => (obj: object, msg: string) => {
        if (!o.quiet) console.error(JSON.stringify({ time: new Date().toISOString(), level, msg, ...obj }));
      };
      const logger = { info: line('info'), warn: line('warn'), error: line('error') };
      const transport = await openGatewayTransport(o.amqp ?? `folder:${o.folder}`, {
        side: 'customs',
        outboundQueue: o.outbound,
        inboundQueue: o.inbound,
        logger,
        pollIntervalMs: 500,
        retryDelayMs: 200,
      });
      const emulator = new CustomsEmulator({ tables: loaded.table, inspectionRate: Decimal.parse(o.inspectionRate) });
      const running = await runCustomsEmulator(transport, emulator, {
        nodeId: o.nodeId,
        ...(o.platformKey ? { platformPublicKey: o.platformKey } : {}),
        logger,
      });
      console.log(
        `customs emulator ready (${transport.kind}${o.amqp ? `: ${o.inbound} → ${o.outbound}` : `: ${o.folder}`}; tables ${
          o.tables ? tablesDir : 'SAMPLE'
        })`,
      );
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await running.stop();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
  );

const ceb = program.command('ceb').description('CEB messages (2022-05 standard)');
ceb
  .command('check')
  .description(
    "Check CEB messages (any kind, either direction; XML, DxpMsg or JSON) with the intake's parsing, schema and " +
      'signature checks; one line per file; exit status 0 only when every file is accepted',
  )
  .option('--verify-signature', "verify each message's XML-DSig signature (against its own certificate)")
  .argument('<files...>')
  .action(async (files: string[], o: { verifySignature?: boolean }) => {
    const { checkFile } = await import('./modules/declaration/check.js');
    let failed = 0;
    for (const file of files) {
      const r = checkFile(file, { verifySignature: !!o.verifySignature });
      console.log(
        `${file}: ${r.type} records=${r.records} ${r.ok ? 'ACCEPTED' : 'REJECTED'}${r.signature ? ` signature=${r.signature}` : ''}`,
      );
      for (const e of r.errors)
        console.log(
          `  [${e.code}]${e.path ? ` ${e.path}` : ''}${e.line ? ` (line ${e.line})` : ''}: ${e.message.zh} / ${e.message.en}`,
        );
      for (const w of r.warnings) console.log(`  warning ${w.path}: ${w.message.en}`);
      if (!r.ok) failed++;
    }
    if (failed) process.exitCode = 1;
  });
ceb
  .command('example')
  .description(
    'Print a valid example message for the demo enterprises (not an official sample): any data message of either ' +
      'flow by its type (CEB311 … CEB215) or short name (order, payment, waybill, list …), declared by the demo ' +
      'enterprise the standard names; the messages of one --order-no agree with each other. A message whose XSD ' +
      'requires a signature (CEB621, 623, 625, 711) is printed unsigned: sign it with `cbec-zone ceb sign FILE`',
  )
  .argument('<type>', 'CEB311 | CEB411 | CEB511 | CEB621 | … | CEB215, or order | payment | waybill | list | …')
  .option('--order-no <no>', 'the order number', `DEMO-${Date.now()}`)
  .option('--invt-no <no>', "the list's number (清单编号, from its receipt) for cancellations, returns and summaries")
  .option('--json', 'the JSON form instead of XML')
  .option('--sign-key <file>', 'sign the message with this private key (PEM, SM2 or RSA), e.g. a list')
  .option('--sign-cert <file>', 'the certificate of --sign-key (PEM or DER)')
  .action(
    async (
      name: string,
      o: { orderNo: string; invtNo?: string; json?: boolean; signKey?: string; signCert?: string },
    ) => {
      const ex = await import('./app/examples.js');
      const type = ex.exampleType(name);
      if (!type) {
        throw new AppError(
          400,
          'UNKNOWN_EXAMPLE_KIND',
          `未知的示例报文种类 "${name}"，可选：${ex.EXAMPLE_TYPES_TEXT}`,
          `unknown example type "${name}"; the types are: ${ex.EXAMPLE_TYPES_TEXT}`,
        );
      }
      if (!o.signKey !== !o.signCert) {
        throw new AppError(
          400,
          'SIGNING_KEY',
          '--sign-key 与 --sign-cert 须同时给出',
          'give --sign-key and --sign-cert together',
        );
      }
      const m = ex.exampleMessage(type, o.orderNo, o.invtNo);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
        return;
      }
      const { buildCebUnsigned, signatureRequired } = await import('./modules/declaration/signature/sign-message.js');
      if (!o.signKey || !o.signCert) {
        process.stdout.write(buildCebUnsigned(m));
        if (signatureRequired(m.type)) {
          console.error(
            `${m.type} 须加签后申报：cbec-zone ceb sign FILE（${m.baseTransfer?.copCode} 的演示密钥）/ ` +
              `must be signed before it is declared: cbec-zone ceb sign FILE (the DEMO key of ${m.baseTransfer?.copCode})`,
          );
        }
        return;
      }
      const { loadTransferNodeKey } = await import('./modules/gateway/connected.js');
      const { signCeb } = await import('./modules/declaration/signature/xmldsig.js');
      process.stdout.write(signCeb(buildCebUnsigned(m), loadTransferNodeKey(o.signKey, o.signCert)));
    },
  );
ceb
  .command('convert')
  .description('Print a CEB message in the other form (XML ⇄ JSON) on standard output')
  .argument('<file>')
  .requiredOption('--to <form>', 'json or xml')
  .action(async (file: string, o: { to: string }) => {
    const { convertFile } = await import('./modules/declaration/check.js');
    const r = convertFile(file, o.to === 'xml' ? 'xml' : 'json');
    if (!r.ok) {
      for (const e of r.errors) console.error(`[${e.code}] ${e.path}: ${e.message.zh} / ${e.message.en}`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(r.output);
  });

ceb
  .command('sign')
  .description(
    'Sign a CEB message (XML or JSON; - for standard input) and print the signed XML (enveloped XML-DSig, SM2-SM3): ' +
      "by default with its declarer's DEMO key (the BaseTransfer copCode's key and certificate from tables/demo-pki, " +
      'issued by the demo CA: for trying the platform, never for production); --key/--cert for a real key, --demo ' +
      'USCC for another demo enterprise',
  )
  .argument('<file>')
  .option('--out <file>', 'write the signed XML to this file instead of standard output')
  .option('--key <file>', 'the private key (PEM)')
  .option('--cert <file>', 'its certificate (PEM or DER)')
  .option('--demo <uscc>', "a demo enterprise's demo key and certificate (default: the declarer's)")
  .action(async (file: string, o: { out?: string; key?: string; cert?: string; demo?: string }) => {
    const { readSignable, signFile, declarerOf } = await import('./modules/declaration/check.js');
    const input = await readSignable(file === '-' ? 0 : file);
    let key: import('./modules/declaration/signature/xmldsig.js').CebSigningKey | null = null;
    if (o.key || o.cert) {
      if (!o.key || !o.cert)
        throw AppError.field('--key', '请同时给出 --key 与 --cert', 'give --key and --cert together');
      const { loadTransferNodeKey } = await import('./modules/gateway/connected.js');
      key = loadTransferNodeKey(o.key, o.cert);
    } else {
      const uscc = o.demo ?? declarerOf(input);
      if (!uscc) {
        throw AppError.field(
          'copCode',
          '报文没有传输企业代码（BaseTransfer copCode）：无法确定申报企业的演示密钥，请给出 --demo 或 --key 与 --cert',
          'the message names no declarer (BaseTransfer copCode): give --demo USCC, or --key and --cert',
        );
      }
      const { demoSigningKey } = await import('./app/demo-pki.js');
      key = demoSigningKey(uscc);
      if (!key)
        throw AppError.field(
          o.demo ? '--demo' : 'copCode',
          `${uscc} 没有演示密钥（tables/demo-pki 只有演示企业的）：请用 --key 与 --cert 给出其签名密钥`,
          `${uscc} has no demo key (tables/demo-pki holds the demo enterprises' only): give its key with --key and --cert`,
        );
      console.error(
        `警告：用 ${uscc} 的演示密钥签名（演示 CA 签发，仅供试用，切勿用于生产）/ ` +
          `WARNING: signed with the DEMO key of ${uscc} (issued by the demo CA): for trying the platform, never for production`,
      );
    }
    const r = signFile(input, key);
    if (!r.ok) {
      for (const e of r.errors) console.error(`[${e.code}] ${e.path}: ${e.message.zh} / ${e.message.en}`);
      process.exitCode = 1;
      return;
    }
    if (o.out) await writeFile(o.out, r.output);
    else process.stdout.write(r.output);
  });

const trust = program
  .command('trust')
  .description(
    'The certificate authorities whose certificates verify signatures (证书信任: the China E-Port / customs CAs)',
  );
trust
  .command('list')
  .description('Every CA of the trust store, current and removed (DEMO marks the demo CA)')
  .action(async () => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      for (const c of await p.filing.trust.list()) {
        console.log(
          `${c.id}  ${c.status.padEnd(7)} ${c.demo ? 'DEMO ' : ''}${c.label}  (${c.notBefore.slice(0, 10)} – ${c.notAfter.slice(0, 10)})\n    ${c.subject}`,
        );
      }
    } finally {
      await p.close();
    }
  });
trust
  .command('add')
  .description('Trust a CA certificate (PEM or DER); certificates waiting for approval that it issued become trusted')
  .argument('<file>')
  .requiredOption('--label <text>', 'what the CA is, e.g. 中国电子口岸数据中心 SM2 CA (2025)')
  .action(async (file: string, o: { label: string }) => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      const r = await p.filing.trust.add(cliActor, await readFile(file), o.label);
      console.log(`${r.ca.id}  trusted: ${r.ca.label}; ${r.promoted} waiting certificate(s) now trusted`);
    } finally {
      await p.close();
    }
  });
trust
  .command('remove')
  .description('Stop trusting a CA: its certificates verify no message received from now on')
  .argument('<id>')
  .action(async (id: string) => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      const r = await p.filing.trust.remove(cliActor, id);
      console.log(`${r.id}  removed: ${r.label}`);
    } finally {
      await p.close();
    }
  });
trust
  .command('crl')
  .description("Load a CA's certificate revocation list (PEM or DER): its revocations count from now on")
  .argument('<file>')
  .action(async (file: string) => {
    const p = await createPlatform(loadConfig({ ...process.env, LOG_LEVEL: 'warn' }));
    try {
      const r = await p.filing.trust.importCrl(cliActor, await readFile(file));
      console.log(`CRL of ${r.ca.label}: ${r.entries} entr(ies), ${r.added} new; issued ${r.thisUpdate}`);
    } finally {
      await p.close();
    }
  });

program.parseAsync().catch((e: unknown) => {
  if (e instanceof DataDirLockedError) console.error(e.message);
  else if (e instanceof AppError)
    console.error(
      `${e.messageZh} / ${e.messageEn}${e.details.map((d) => `\n  ${d.path}: ${d.message} / ${d.messageEn}`).join('')}`,
    );
  else console.error(e instanceof Error ? e.message : e);
  process.exit(process.exitCode && process.exitCode !== 0 ? process.exitCode : 2);
});
