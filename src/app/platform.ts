import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Decimal } from '../kernel/money.js';
import { clearanceListRoutes } from '../modules/clearance/lists-routes.js';
import { clearanceRoutes } from '../modules/clearance/routes.js';
import { ClearanceService } from '../modules/clearance/service.js';
import { tableRoutes } from '../modules/clearance/table-routes.js';
import { customsParam } from '../modules/clearance/tables/reference-kinds.js';
import { ReferenceTables } from '../modules/clearance/tables/reference-tables.js';
import { SAMPLE_TABLES_DIR } from '../modules/clearance/tables/table-files.js';
import { creditRoutes } from '../modules/credit/routes.js';
import { CreditService } from '../modules/credit/service.js';
import { MessageBodies } from '../modules/declaration/body-reads.js';
import { delegationRoutes } from '../modules/declaration/delegation-routes.js';
import { DelegationService } from '../modules/declaration/delegations.js';
import { ParsePool } from '../modules/declaration/parse-pool.js';
import { declarationRoutes } from '../modules/declaration/routes.js';
import { DeclarationService } from '../modules/declaration/service.js';
import { signatureCheck } from '../modules/declaration/signature-check.js';
import { registerWebhooks } from '../modules/declaration/webhook-routes.js';
import { WEBHOOK_KEY_PURPOSE } from '../modules/declaration/webhooks.js';
import { enterpriseNameRoutes } from '../modules/filing/name-routes.js';
import { overseasWarehouseRoutes } from '../modules/filing/overseas-warehouse-routes.js';
import { OverseasWarehouses } from '../modules/filing/overseas-warehouses.js';
import { filingRoutes } from '../modules/filing/routes.js';
import { FilingService } from '../modules/filing/service.js';
import { trustRoutes } from '../modules/filing/trust-routes.js';
import {
  ConnectedGateway,
  cebMessageSigner,
  loadTransferNodeKey,
  openGatewayTransport,
} from '../modules/gateway/connected.js';
import { identityRoutes } from '../modules/identity/routes.js';
import { IdentityService } from '../modules/identity/service.js';
import { AuditTrail } from '../platform/audit/audit.js';
import { actionsOf, departmentOfRole } from '../platform/audit/domains.js';
import type { Config } from '../platform/config.js';
import { loadOrCreatePiKey } from '../platform/crypto/key-file.js';
import { PersonalInfoCipher } from '../platform/crypto/personal-info.js';
import { ensurePlatformKey, listPublicKeys, type PlatformSigner } from '../platform/crypto/signing.js';
import { type DbHandle, migrateDatabase, openDatabase } from '../platform/db/client.js';
import { type App, buildApp } from '../platform/http/app.js';
import { OFFICER_ROLES, only } from '../platform/http/auth.js';
import { createLogger } from '../platform/log.js';
import { DEMO_PASSWORD, type DemoSummary, seedDemo } from './demo.js';
import { seedDemoClearance } from './demo-clearance.js';
import { DEMO_PKI_DIR } from './demo-pki.js';

export const ROOT_DIR = join(import.meta.dirname, '../..');
export const VERSION: string = JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')).version;

/** Everything the running platform is made of: configuration, database, shared services and modules. */
export type Platform = {
  config: Config;
  log: Logger;
  dbh: DbHandle;
  audit: AuditTrail;
  pi: PersonalInfoCipher;
  signer: PlatformSigner;
  identity: IdentityService;
  filing: FilingService;
  /** Customs enterprise credit (海关企业信用): dated levels, read by clearance for inspection sampling. */
  credit: CreditService;
  declaration: DeclarationService;
  /** Delegations (委托关系): who may declare which message kinds for whom. */
  delegations: DelegationService;
  /** Overseas warehouses (海外仓备案): where 9810 exports go. */
  warehouses: OverseasWarehouses;
  /**
   * The reference tables (rates, positive list, exchange rates, customs codes, holidays, export conditions), stored in
   * the database and seeded on first start from CBEC_TABLES_DIR or the labelled samples; `tables.current()` is the set
   * in force.
   */
  tables: ReferenceTables;
  /** The import clearance engine (emulated mode): decides lists in the background once `clearance.start()` runs. */
  clearance: ClearanceService;
  /**
   * Connected mode (CBEC_CLEARANCE_MODE=connected): declarations go to customs through CBEC_GATEWAY and receipts
   * come back; `gateway.start()` connects and sends. Null in emulated mode.
   */
  gateway: ConnectedGateway | null;
  close(): Promise<void>;
};

export type StartupReport = {
  admin: { created: false } | { created: true; password: string; generated: boolean };
  demo: DemoSummary | null;
  /** The only CA the zone trusts is the demo one (tables/demo-pki): fine for a demo, never for production. */
  onlyDemoCa?: boolean;
  /** The demo lists were not declared: their demo certificates verify only while the demo CA is trusted. */
  demoListsSkipped?: boolean;
};

/** Opens the database named by the configuration (PGlite in DATA_DIR unless DATABASE_URL is set). */
export async function openConfiguredDatabase(config: Config, opts: { memory?: boolean } = {}): Promise<DbHandle> {
  if (config.databaseUrl) return openDatabase({ kind: 'postgres', url: config.databaseUrl, ...config.db });
  return openDatabase({ kind: 'pglite', dataDir: opts.memory ? undefined : join(config.dataDir) });
}

/** Opens the database, applies migrations and wires the services. */
export async function createPlatform(config: Config, opts: { memory?: boolean; log?: Logger } = {}): Promise<Platform> {
  const log = opts.log ?? createLogger(config.logLevel);
  const dbh = await openConfiguredDatabase(config, opts);
  try {
    await migrateDatabase(dbh);
    const pi = PersonalInfoCipher.fromKeyHex(
      opts.memory && !config.piKeyHex
        ? (await import('node:crypto')).randomBytes(16).toString('hex')
        : loadOrCreatePiKey({ keyHex: config.piKeyHex, keyFile: config.piKeyFile }),
    );
    const audit = new AuditTrail(dbh.db);
    const signer = await ensurePlatformKey(dbh.db, pi, 'filing-record');
    const identity = new IdentityService(dbh.db, audit, { apiKeyRateLimit: config.apiKeyRateLimit, log });
    const filing = new FilingService(dbh.db, audit, pi, identity, signer, {
      code: config.zoneCode,
      name: config.zoneName,
    });
    await filing.trust.seed(config.trustedCaDir ?? DEMO_PKI_DIR, !config.trustedCaDir);
    const delegations = new DelegationService(dbh.db, audit, filing);
    const credit = new CreditService(dbh.db, audit, () => new Date(), filing);
    const tables = new ReferenceTables(dbh.db, audit, {
      seedDir: config.tablesDir ?? SAMPLE_TABLES_DIR,
      seedIsSample: !config.tablesDir,
      sampleDir: SAMPLE_TABLES_DIR,
      limits: config.tableLimits,
    });
    await tables.init();
    const warehouses = new OverseasWarehouses(
      dbh.db,
      audit,
      filing,
      (code, on) => customsParam(tables.current().params, 'country', code, on) !== null,
    );
    const parsePool = new ParsePool(config.parseWorkers);
    const declaration = new DeclarationService(dbh.db, pi, filing, signatureCheck(filing), parsePool, {
      acceptUnsignedJson: config.jsonDeclarations === 'accept',
    });
    const clearance = new ClearanceService(dbh.db, pi, filing, credit, tables, audit, {
      matchTimeoutMs: config.matchTimeoutMinutes * 60_000,
      inspectionBaseRate: Decimal.parse(config.inspectionRate),
      amountTolerance: Decimal.parse(config.matchAmountTolerance),
      quotaChecks: { perMinute: config.quotaChecksPerMinute, perBuyerPerDay: config.quotaChecksPerBuyerPerDay },
      log,
    });
    // One decides: the emulated engine, or customs through the gateway (connected mode).
    let gateway: ConnectedGateway | null = null;
    if (config.clearanceMode === 'connected') {
      if (!config.gateway)
        throw new Error('CBEC_CLEARANCE_MODE=connected needs CBEC_GATEWAY (amqp://… or folder:/path)');
      if (!config.gatewaySignKeyFile !== !config.gatewaySignCertFile) {
        throw new Error('CBEC_GATEWAY_SIGN_KEY_FILE and CBEC_GATEWAY_SIGN_CERT_FILE go together');
      }
      const nodeKey =
        config.gatewaySignKeyFile && config.gatewaySignCertFile
          ? loadTransferNodeKey(config.gatewaySignKeyFile, config.gatewaySignCertFile)
          : null;
      if (!nodeKey && config.jsonDeclarations === 'accept') {
        log.warn(
          'connected mode without CBEC_GATEWAY_SIGN_KEY_FILE/CERT_FILE: lists declared in JSON go to customs unsigned',
        );
      }
      const transport = await openGatewayTransport(config.gateway, {
        side: 'platform',
        outboundQueue: config.gatewayOutboundQueue,
        inboundQueue: config.gatewayInboundQueue,
        logger: log,
      });
      gateway = new ConnectedGateway(dbh.db, pi, transport, {
        nodeId: config.gatewayNodeId,
        customsNodeId: config.gatewayCustomsNodeId,
        signer: await ensurePlatformKey(dbh.db, pi, 'customs-gateway'),
        ...(nodeKey ? { messageSigner: cebMessageSigner(nodeKey) } : {}),
        resolveParties: (codes, q) => filing.resolveCodes(codes, q),
        logger: log,
      });
      declaration.addListener(gateway);
    } else declaration.addListener(clearance);
    const close = async () => {
      await gateway?.stop();
      await clearance.stop();
      await parsePool.close();
      await dbh.close();
    };
    return {
      config,
      log,
      dbh,
      audit,
      pi,
      signer,
      identity,
      filing,
      credit,
      declaration,
      delegations,
      warehouses,
      clearance,
      gateway,
      tables,
      close,
    };
  } catch (e) {
    await dbh.close();
    throw e;
  }
}

/** First-start duties: a platform admin whenever none exists, demo data in an empty database. */
export async function prepare(p: Platform): Promise<StartupReport> {
  const admin = await p.identity.ensureAdmin(p.config.adminPassword);
  let demo: DemoSummary | null = null;
  let demoListsSkipped = false;
  if (p.config.seedDemo && (await p.filing.list({ kind: 'anonymous' }, { page: 1, pageSize: 1 })).total === 0) {
    demo = await seedDemo(p.identity, p.filing, p.credit, p.delegations, p.warehouses);
    // demo lists through the real hub and engine, each sent by its declarant and signed with a demo certificate (see
    // the module): only while the demo CA is trusted (not when the operator's CAs were loaded on the first start)
    if (p.config.clearanceMode === 'emulated') {
      if (await p.filing.trust.demoTrusted()) await seedDemoClearance(p.declaration, p.clearance);
      else demoListsSkipped = true;
    }
  }
  return { admin, demo, onlyDemoCa: await p.filing.trust.onlyDemo(), demoListsSkipped };
}

const auditPageSchema = z.object({
  items: z.array(
    z.object({
      seq: z.number().int(),
      at: z.string(),
      actorUserId: z.string().nullable(),
      actorName: z.string().nullable(),
      actorRole: z.string().nullable(),
      enterpriseUscc: z.string().nullable(),
      action: z.string(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      summary: z.unknown(),
      requestId: z.string().nullable(),
      hash: z.string(),
    }),
  ),
  total: z.number().int(),
  domain: z
    .object({ department: z.enum(OFFICER_ROLES), actions: z.array(z.string()) })
    .nullable()
    .describe("An officer's view: the department and the actions of its domain; null for the platform admin (all)"),
});

/** The HTTP application: health, keys, audit and every module's routes. */
export async function createApp(p: Platform, opts: { strictResponses?: boolean } = {}): Promise<App> {
  const webDist = join(ROOT_DIR, 'web/dist');
  const app = await buildApp({
    logger: p.log,
    bodyLimit: p.config.bodyLimit,
    authenticate: (req) => p.identity.authenticate(req),
    webDist,
    version: VERSION,
    jsonMaxDepth: p.config.jsonMaxDepth,
    ...(opts.strictResponses ? { strictResponses: true } : {}),
    trustProxy: p.config.trustProxy,
    https: p.config.cookieSecure,
  });

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Process is up',
        response: { 200: z.object({ status: z.string().describe('ok') }) },
      },
    },
    async () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: 'Database is reachable',
        response: {
          200: z.object({ status: z.string().describe('ready'), database: z.enum(['pglite', 'postgres']) }),
          // (its own shape: load balancers read `status`)
          503: z.object({ status: z.string().describe('unavailable'), database: z.enum(['pglite', 'postgres']) }),
        },
      },
    },
    async (_req, reply) => {
      try {
        await p.dbh.ping();
        return { status: 'ready', database: p.dbh.kind };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: p.dbh.kind });
      }
    },
  );
  app.get(
    '/.well-known/cbec-zone/keys',
    {
      config: { access: 'public' },
      schema: {
        tags: ['platform'],
        summary: "This zone's public keys (SM2), for verifying its signed records",
        response: {
          200: z.object({
            zone: z.object({ code: z.string(), name: z.string() }),
            keys: z.array(
              z.object({
                keyId: z.string(),
                purpose: z.string(),
                algorithm: z.string(),
                publicKey: z.string(),
                createdAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      zone: { code: p.config.zoneCode, name: p.config.zoneName },
      keys: (await listPublicKeys(p.dbh.db)).map((k) => ({ ...k, createdAt: k.createdAt.toISOString() })),
    }),
  );
  app.get(
    '/api/v1/audit',
    {
      config: { access: only(['platform_admin', ...OFFICER_ROLES]) },
      schema: {
        tags: ['platform'],
        summary: "Audit trail (审计日志): an officer reads their department's domain, the platform admin everything",
        querystring: z.strictObject({
          action: z.string().max(64).optional(),
          enterpriseUscc: z.string().max(18).optional(),
          targetId: z.string().max(100).optional(),
          page: z.coerce.number().int().min(1).max(100_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: auditPageSchema },
      },
    },
    async (req) => {
      // officers read their department's domain; the platform admin reads everything
      const department = req.principal.kind === 'user' ? departmentOfRole(req.principal.role) : null;
      const { items, total } = await p.audit.list({ ...req.query, ...(department ? { department } : {}) });
      return {
        items: items.map(({ prevHash: _p, ...r }) => ({ ...r, at: r.at.toISOString() })),
        total,
        domain: department ? { department, actions: actionsOf(department) } : null,
      };
    },
  );

  identityRoutes(app, {
    identity: p.identity,
    cookieSecure: p.config.cookieSecure,
    enterpriseExists: (u) => p.filing.exists(u),
  });
  filingRoutes(app, p.filing);
  trustRoutes(app, p.filing);
  delegationRoutes(app, p.delegations);
  overseasWarehouseRoutes(app, p.warehouses);
  enterpriseNameRoutes(app, p.filing);
  creditRoutes(app, p.credit, {
    isUsccException: p.filing.isUsccException,
    refreshUsccExceptions: () => p.filing.refreshExceptions(),
  });
  clearanceRoutes(app, { tables: p.tables });
  clearanceListRoutes(app, p.clearance);
  tableRoutes(app, { tables: p.tables });
  declarationRoutes(app, p.declaration, {
    messageBodyLimit: p.config.messageBodyLimit,
    jsonMaxDepth: p.config.jsonMaxDepth,
    receiptSigner: await ensurePlatformKey(p.dbh.db, p.pi, WEBHOOK_KEY_PURPOSE),
    bodies: new MessageBodies(p.dbh.db, p.pi, p.audit),
  });
  await registerWebhooks(app, {
    db: p.dbh.db,
    audit: p.audit,
    pi: p.pi,
    log: p.log,
    enterpriseExists: (u) => p.filing.exists(u),
    options: { allowPrivateNetworks: p.config.webhookAllowPrivate },
  });
  await app.ready();
  return app;
}

export function describeStartup(report: StartupReport): string {
  const lines: string[] = [];
  if (report.admin.created) {
    lines.push(
      report.admin.generated
        ? `平台管理员 admin 已创建，初始密码（只显示这一次）/ Platform admin "admin" created; initial password (shown once): ${report.admin.password}`
        : '平台管理员 admin 已用 CBEC_ADMIN_PASSWORD 创建 / Platform admin "admin" created with CBEC_ADMIN_PASSWORD',
    );
  }
  if (report.onlyDemoCa) {
    lines.push(
      '注意：本综试区目前只信任演示 CA（tables/demo-pki），仅供演示；生产前请导入中国电子口岸/海关 CA 并移除演示 CA / ' +
        'Note: the only CA trusted is the DEMO CA (tables/demo-pki): load the China E-Port / customs CAs ' +
        '(CBEC_TRUSTED_CA_DIR before the first start, or `cbec-zone trust add`) and remove it before production',
    );
  }
  if (report.demoListsSkipped) {
    lines.push(
      '演示清单未写入：演示企业的证书由演示 CA 签发，而本综试区不信任演示 CA / demo lists not declared: the demo ' +
        "enterprises' certificates are the demo CA's, which this zone does not trust (CBEC_TRUSTED_CA_DIR)",
    );
  }
  if (report.demo) {
    lines.push(`演示数据已写入（所有演示用户密码 / every demo user's password: ${DEMO_PASSWORD}）:`);
    for (const u of report.demo.users)
      lines.push(`  ${u.username.padEnd(16)} ${u.role}${u.enterprise ? ` @ ${u.enterprise}` : ''}`);
    for (const e of report.demo.enterprises) lines.push(`  ${e.uscc}  ${e.nameCn}`);
  }
  return lines.join('\n');
}
