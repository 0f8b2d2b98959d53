import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { POOL_DEFAULTS, type PoolTimeouts } from './db/client.js';
import { FORBIDDEN_WALK_DEPTH, JSON_MAX_DEPTH } from './http/validation.js';
import { TABLE_MAX_BYTES, TABLE_MAX_ROWS } from './table-limits.js';

/**
 * Which proxies in front of the platform are trusted to say who the client is (X-Forwarded-For, -Host, -Proto), as
 * Fastify's `trustProxy` takes it: false (none: the client is the peer of the TCP connection), true (any: only when
 * nothing can reach the platform but through the proxy), a hop count, or addresses and CIDR ranges of the proxies
 * (also `loopback`, `linklocal`, `uniquelocal`).
 */
export type TrustProxy = boolean | number | string[];

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxySetting(raw: string, ctx: z.RefinementCtx): TrustProxy {
  const v = raw.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops <= 100) return hops === 0 ? false : hops;
  }
  const items = v.split(',').map((x) => x.trim());
  for (const item of items) {
    const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(item);
    const family = m ? isIP(m[1] as string) : 0;
    const prefixOk = !m?.[2] || Number(m[2]) <= (family === 6 ? 128 : 32);
    if (!PROXY_RANGE_NAMES.includes(item) && !(family && prefixOk)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${item}": expected true, false, a hop count, or comma-separated proxy addresses / CIDR ranges`,
      });
      return false;
    }
  }
  return items;
}

/**
 * Platform configuration, read once from the environment. Every setting has a safe default so that
 * `npm start` works on a fresh machine; production overrides them through environment variables.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Initial password of the `admin` user, used only when no platform admin exists. */
  CBEC_ADMIN_PASSWORD: z.string().min(10).optional(),
  /** Seed demo enterprises and users into an empty database (true by default for the embedded database). */
  CBEC_SEED_DEMO: z.enum(['true', 'false']).optional(),
  /** This zone's code, written into signed filing records (一地备案、全国共享). */
  CBEC_ZONE_CODE: z
    .string()
    .regex(/^[A-Z0-9-]{2,32}$/)
    .default('CN-LZ'),
  CBEC_ZONE_NAME: z.string().default('中国（兰州）跨境电子商务综合试验区'),
  /** SM4 key (32 hex characters) for personal information at rest, or a file holding it. */
  CBEC_PI_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/)
    .optional(),
  CBEC_PI_KEY_FILE: z.string().optional(),
  /** Mark the session cookie Secure (set when served over HTTPS). */
  CBEC_COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  /** The reverse proxies trusted for the client's address (see TrustProxy); the login throttle counts by it. */
  CBEC_TRUST_PROXY: z.string().default('false').transform(trustProxySetting),
  /** Requests a minute allowed to each enterprise API key (0: no limit). */
  CBEC_API_KEY_RATE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(6000),
  CBEC_BODY_LIMIT: z.coerce.number().int().positive().default(1_048_576),
  /** Largest CEB message accepted at POST /api/v1/messages (100 records with their items fit well within it). */
  CBEC_MESSAGE_BODY_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 1_048_576),
  /** Worker threads that parse large messages off the event loop (0: parse on the main thread). */
  CBEC_PARSE_WORKERS: z.coerce.number().int().min(0).max(64).optional(),
  /** Allow receipt webhooks to private and loopback addresses (an intranet deployment); refused by default (SSRF). */
  CBEC_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  /**
   * Declared lists (CEB621/623/625/711) in JSON: `refuse` (the XSD wants an XML signature) or `accept` them,
   * authenticated by the enterprise's API key.
   */
  CBEC_JSON_DECLARATIONS: z.enum(['refuse', 'accept']).default('refuse'),
  /** emulated: the platform's engine decides; connected: lists go to the customs data exchange (CBEC_GATEWAY). */
  CBEC_CLEARANCE_MODE: z.enum(['emulated', 'connected']).default('emulated'),
  /**
   * Connected mode: the transport to the customs data exchange, `amqp://user:pass@host:5672/vhost` (RabbitMQ) or
   * `folder:/path` (the E-Port client's folder exchange: `/path/outbox` out, `/path/inbox` in).
   */
  CBEC_GATEWAY: z
    .string()
    .regex(/^(amqps?:\/\/.+|folder:.+)$/, 'amqp://… or folder:/path')
    .optional(),
  /** AMQP queues: to customs and from customs (both durable quorum queues, declared by both peers). */
  CBEC_GATEWAY_OUTBOUND_QUEUE: z.string().min(1).max(200).default('cbec.to-customs'),
  CBEC_GATEWAY_INBOUND_QUEUE: z.string().min(1).max(200).default('cbec.from-customs'),
  /** DxpMsg SenderId of this platform's node and ReceiverId of customs (at most 16 characters each). */
  CBEC_GATEWAY_NODE_ID: z.string().min(1).max(16).default('DXPENT0000000001'),
  CBEC_GATEWAY_CUSTOMS_NODE_ID: z.string().min(1).max(16).default('DXPEDCCEB0000002'),
  /**
   * The platform's transfer-node key (PEM, SM2 or RSA) and certificate (PEM or DER): signs the lists, cancellations,
   * returns and entries it forwards from JSON declarations (their XSD requires a Signature).
   */
  CBEC_GATEWAY_SIGN_KEY_FILE: z.string().optional(),
  CBEC_GATEWAY_SIGN_CERT_FILE: z.string().optional(),
  /** Minutes a list waits for its order, payment and waybill before it is rejected. */
  CBEC_MATCH_TIMEOUT_MINUTES: z.coerce.number().positive().default(1440),
  /** Buyer quota pre-checks per enterprise per minute, and per enterprise and buyer per (Asia/Shanghai) day. */
  CBEC_QUOTA_CHECKS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  CBEC_QUOTA_CHECKS_PER_BUYER_DAY: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Share of a general (常规) enterprise's lists sent to inspection (0 to 1). */
  CBEC_INSPECTION_RATE: z
    .string()
    .regex(/^(0(\.\d{1,6})?|1(\.0{1,6})?)$/)
    .default('0.05'),
  /** Largest difference between amounts accepted in matching (RMB; 0: exact). */
  CBEC_MATCH_AMOUNT_TOLERANCE: z
    .string()
    .regex(/^\d{1,6}(\.\d{1,2})?$/)
    .default('0'),
  /** Folder with the operator's clearance tables (tariff rates, positive list, exchange rates); default: the samples. */
  CBEC_TABLES_DIR: z.string().optional(),
  /**
   * Folder of the CA certificates (PEM/DER) whose certificates verify enterprises' signatures (the China E-Port /
   * customs CAs), loaded into the trust store on first start; default: the labelled demo CA (tables/demo-pki).
   */
  CBEC_TRUSTED_CA_DIR: z.string().optional(),
  // --- bounds on input and on waiting for the database (no 500 and no hang) ---
  /** Deepest nesting of arrays and objects in a JSON body; deeper is 400 (0001 at the message entry). */
  CBEC_JSON_MAX_DEPTH: z.coerce.number().int().min(8).max(FORBIDDEN_WALK_DEPTH).default(JSON_MAX_DEPTH),
  /** Most rows (header excluded) in an imported reference table, CSV or XLSX (an HS tariff table has ~9,000). */
  CBEC_TABLE_MAX_ROWS: z.coerce.number().int().positive().default(TABLE_MAX_ROWS),
  /** Largest reference-table file accepted, in bytes. */
  CBEC_TABLE_MAX_BYTES: z.coerce.number().int().positive().default(TABLE_MAX_BYTES),
  /** PostgreSQL pool: connections, and how long anything waits for the database (ms; see platform/db/client.ts). */
  CBEC_DB_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(POOL_DEFAULTS.maxConnections),
  CBEC_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).default(POOL_DEFAULTS.connectTimeoutMs),
  CBEC_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(POOL_DEFAULTS.statementTimeoutMs),
  CBEC_DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  CBEC_DB_IDLE_TX_TIMEOUT_MS: z.coerce.number().int().min(0).default(POOL_DEFAULTS.idleInTransactionTimeoutMs),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  adminPassword: string | undefined;
  seedDemo: boolean;
  zoneCode: string;
  zoneName: string;
  piKeyHex: string | undefined;
  piKeyFile: string;
  cookieSecure: boolean;
  trustProxy: TrustProxy;
  apiKeyRateLimit: number;
  bodyLimit: number;
  messageBodyLimit: number;
  parseWorkers: number;
  webhookAllowPrivate: boolean;
  tablesDir: string | undefined;
  trustedCaDir: string | undefined;
  jsonDeclarations: 'refuse' | 'accept';
  clearanceMode: 'emulated' | 'connected';
  /** CBEC_GATEWAY: `amqp://…` or `folder:/path`; required in connected mode. */
  gateway: string | undefined;
  gatewayOutboundQueue: string;
  gatewayInboundQueue: string;
  gatewayNodeId: string;
  gatewayCustomsNodeId: string;
  gatewaySignKeyFile: string | undefined;
  gatewaySignCertFile: string | undefined;
  matchTimeoutMinutes: number;
  quotaChecksPerMinute: number;
  quotaChecksPerBuyerPerDay: number;
  inspectionRate: string;
  matchAmountTolerance: string;
  /** CBEC_JSON_MAX_DEPTH */
  jsonMaxDepth: number;
  /** CBEC_TABLE_MAX_ROWS, CBEC_TABLE_MAX_BYTES */
  tableLimits: { maxRows: number; maxBytes: number };
  /** CBEC_DB_*: the PostgreSQL pool's size and timeouts. */
  db: PoolTimeouts;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration / 配置错误:\n${lines}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL || undefined,
    logLevel: e.LOG_LEVEL,
    adminPassword: e.CBEC_ADMIN_PASSWORD,
    seedDemo: e.CBEC_SEED_DEMO ? e.CBEC_SEED_DEMO === 'true' : true,
    zoneCode: e.CBEC_ZONE_CODE,
    zoneName: e.CBEC_ZONE_NAME,
    piKeyHex: e.CBEC_PI_KEY,
    piKeyFile: e.CBEC_PI_KEY_FILE ? resolve(e.CBEC_PI_KEY_FILE) : resolve(dataDir, 'secrets', 'pi.key'),
    cookieSecure: e.CBEC_COOKIE_SECURE === 'true',
    trustProxy: e.CBEC_TRUST_PROXY,
    apiKeyRateLimit: e.CBEC_API_KEY_RATE_LIMIT,
    bodyLimit: e.CBEC_BODY_LIMIT,
    messageBodyLimit: e.CBEC_MESSAGE_BODY_LIMIT,
    parseWorkers: e.CBEC_PARSE_WORKERS ?? Math.max(1, availableParallelism() - 1),
    webhookAllowPrivate: e.CBEC_WEBHOOK_ALLOW_PRIVATE === 'true',
    tablesDir: e.CBEC_TABLES_DIR ? resolve(e.CBEC_TABLES_DIR) : undefined,
    trustedCaDir: e.CBEC_TRUSTED_CA_DIR ? resolve(e.CBEC_TRUSTED_CA_DIR) : undefined,
    jsonDeclarations: e.CBEC_JSON_DECLARATIONS,
    clearanceMode: e.CBEC_CLEARANCE_MODE,
    gateway: e.CBEC_GATEWAY,
    gatewayOutboundQueue: e.CBEC_GATEWAY_OUTBOUND_QUEUE,
    gatewayInboundQueue: e.CBEC_GATEWAY_INBOUND_QUEUE,
    gatewayNodeId: e.CBEC_GATEWAY_NODE_ID,
    gatewayCustomsNodeId: e.CBEC_GATEWAY_CUSTOMS_NODE_ID,
    gatewaySignKeyFile: e.CBEC_GATEWAY_SIGN_KEY_FILE ? resolve(e.CBEC_GATEWAY_SIGN_KEY_FILE) : undefined,
    gatewaySignCertFile: e.CBEC_GATEWAY_SIGN_CERT_FILE ? resolve(e.CBEC_GATEWAY_SIGN_CERT_FILE) : undefined,
    matchTimeoutMinutes: e.CBEC_MATCH_TIMEOUT_MINUTES,
    quotaChecksPerMinute: e.CBEC_QUOTA_CHECKS_PER_MINUTE,
    quotaChecksPerBuyerPerDay: e.CBEC_QUOTA_CHECKS_PER_BUYER_DAY,
    inspectionRate: e.CBEC_INSPECTION_RATE,
    matchAmountTolerance: e.CBEC_MATCH_AMOUNT_TOLERANCE,
    jsonMaxDepth: e.CBEC_JSON_MAX_DEPTH,
    tableLimits: { maxRows: e.CBEC_TABLE_MAX_ROWS, maxBytes: e.CBEC_TABLE_MAX_BYTES },
    db: {
      maxConnections: e.CBEC_DB_POOL_MAX,
      connectTimeoutMs: e.CBEC_DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: e.CBEC_DB_STATEMENT_TIMEOUT_MS,
      ...(e.CBEC_DB_QUERY_TIMEOUT_MS !== undefined ? { queryTimeoutMs: e.CBEC_DB_QUERY_TIMEOUT_MS } : {}),
      idleInTransactionTimeoutMs: e.CBEC_DB_IDLE_TX_TIMEOUT_MS,
    },
    ...overrides,
  };
}
