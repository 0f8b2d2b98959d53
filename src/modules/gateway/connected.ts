/**
 * The customs gateway in connected mode (issue 4 §6): the platform does not decide clearance itself, it forwards the
 * declared records to the customs data exchange and applies the receipts that come back.
 *
 * Outbound: an `IntakeListener`. Declared records (appStatus 2) of CEB311/411/511/621/623/625/711 become one CEB
 * message (buildCeb) per accepted intake message, stored SM4-encrypted in `gw_outbox` in the intake's own transaction
 * (durable: a crash after the enterprise got its answer loses nothing). A sender loop drains the outbox oldest first,
 * one message at a time (order kept), each wrapped in a DxpMsg envelope (optionally signed with the platform's SM2
 * key, `signDxp`), handed to the transport (AMQP or the folder exchange) and marked sent once the transport confirmed
 * it. A failed send is retried with back-off, head of line. A message can go out twice (a send that failed after the
 * broker stored it; a crash between the confirm and the mark): customs dedups by the CEB guid, which stays the same.
 *
 * Inbound: every message from the transport (DxpMsg, or bare CEB XML) is parsed; receipt records
 * (CEB312/412/512/622/624/626/712/816/818) are applied in one transaction per message:
 * - a message seen before (its guid in `gw_inbox_seen`) is acknowledged and nothing happens (transports deliver at
 *   least once and pass duplicates on);
 * - a receipt record seen before in another message (same type, business key, record guid, returnStatus) is not
 *   issued again;
 * - the receipt is issued to the enterprise that sent the record (the declaration hub's feed and webhooks), the tax
 *   bills (CEB816/818) also to the guarantor (assureCode);
 * - the record's status changes only when the receipt moves it forward (receipt-order.ts): a late, older status never
 *   overwrites a newer one, and receipts answering a superseded declaration (another record guid) change nothing;
 * - a receipt for a record the platform does not know is logged and dropped (acknowledged).
 * A message that cannot be parsed throws: the transport retries it and then dead-letters it (`<queue>.dead`,
 * `inbox/failed/`), where an operator can look at it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { asc, eq, isNull } from 'drizzle-orm';
import { parseCertificate } from '../../platform/crypto/certificate.js';
import type { PersonalInfoCipher } from '../../platform/crypto/personal-info.js';
import type { Database, Queryable, Tx } from '../../platform/db/client.js';
import { Backoff } from '../../platform/db/outage.js';
import {
  type AcceptedRecords,
  buildCebUnsigned,
  type CebMessage,
  type CebMessageType,
  type CebRecord,
  type CebSigningKey,
  type DeclaredRecord,
  type DxpSigner,
  findDeclaredRecord,
  type IntakeListener,
  isDxpMsg,
  issueReceipts,
  MESSAGE_SPECS,
  messageXml,
  parseCeb,
  type ReceiptTarget,
  type ReceiptToIssue,
  setInventoryNumber,
  setRecordStatuses,
  signatureRequired,
  signCeb,
  signDxp,
  text,
  unwrapDxp,
  wrapDxp,
} from '../declaration/port.js';
import { supersedes } from './receipt-order.js';
import { gwInboxSeen, gwOutbox } from './schema.js';
import {
  backoffDelay,
  dxpCreatTime,
  errorMessage,
  GatewayClosedError,
  type GatewayLogger,
  type GatewayTransport,
  type InboundMessage,
  type OutboundEnvelope,
  silentLogger,
  sleep,
} from './transport.js';

/** The declarations the platform forwards to customs. */
export const OUTBOUND_TYPES: ReadonlySet<CebMessageType> = new Set([
  'CEB311Message',
  'CEB411Message',
  'CEB511Message',
  'CEB621Message',
  'CEB623Message',
  'CEB625Message',
  'CEB711Message',
]);

/** The receipts applied when they come back. */
export const RECEIPT_TYPES: ReadonlySet<CebMessageType> = new Set([
  'CEB312Message',
  'CEB412Message',
  'CEB512Message',
  'CEB622Message',
  'CEB624Message',
  'CEB626Message',
  'CEB712Message',
  'CEB816Message',
  'CEB818Message',
]);

/** A ds:Signature with its value (a signed CEB message). */
const HAS_SIGNATURE = /<(?:[\w.-]+:)?SignatureValue[\s>]/;

export interface ConnectedGatewayOptions {
  /** The platform's node on the data exchange: DxpMsg SenderId (at most 16 characters). */
  nodeId: string;
  /** The customs node: DxpMsg ReceiverId. */
  customsNodeId: string;
  /** Signs each DxpMsg (ds:Signature, SM2-SM3, KeyName = key id) when given. */
  signer?: DxpSigner;
  /**
   * Signs a declaration the platform builds (lists, cancellations, returns, entries declared in JSON) with the
   * platform's transfer-node certificate (XML-DSig, `cebMessageSigner`): their XSD requires a Signature. Messages
   * the enterprise signed itself go out as received.
   */
  messageSigner?: (xml: string) => string;
  /** Enterprise codes (customs code or USCC) → the filed enterprise; the guarantor of a tax bill gets it too. */
  resolveParties?: (codes: string[], q: Queryable) => Promise<Map<string, { uscc: string }>>;
  /** How often the outbox is looked at besides after each intake (default 500 ms). */
  pollIntervalMs?: number;
  /** Back-off of a failed send: doubles per failure (default 1000 ms, at most 60 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Back-off of the first connection (default 1000 ms, at most 30 s). */
  connectRetryDelayMs?: number;
  logger?: GatewayLogger;
  clock?: () => Date;
}

/** The record of a receipt and how to find what it answers. */
type ReceiptRoute = {
  target: ReceiptTarget | null;
  returnStatus: string;
  returnTime: string;
  returnInfo: string;
  /** The guid of the declaration it answers ('' for tax bills, which answer a list by its number). */
  recordGuid: string;
  /** The feed's business key when it is not the record's own (cancellations, returns, entries, tax bills). */
  businessKey?: string;
  /** Change the record's status with it (not for tax bills). */
  status: boolean;
  tax?: { invtNo: string; taxNo: string; assureCode: string };
};

const s = (v: unknown) => text(v).trim();

function route(type: CebMessageType, r: CebRecord): ReceiptRoute {
  const common = {
    returnStatus: s(r.returnStatus),
    returnTime: s(r.returnTime),
    returnInfo: text(r.returnInfo),
    recordGuid: s(r.guid),
    status: true,
  };
  switch (type) {
    case 'CEB312Message':
      return {
        ...common,
        target: { kind: 'order', ebpCode: s(r.ebpCode), ebcCode: s(r.ebcCode), orderNo: s(r.orderNo) },
      };
    case 'CEB412Message':
      return {
        ...common,
        target: { kind: 'payment', payCode: s(r.payCode), payTransactionId: s(r.payTransactionId) },
      };
    case 'CEB512Message':
      return {
        ...common,
        target: { kind: 'waybill', logisticsCode: s(r.logisticsCode), logisticsNo: s(r.logisticsNo) },
      };
    case 'CEB622Message':
      return {
        ...common,
        target:
          s(r.agentCode) && s(r.copNo)
            ? { kind: 'inventory', agentCode: s(r.agentCode), copNo: s(r.copNo) }
            : s(r.invtNo)
              ? { kind: 'inventory', invtNo: s(r.invtNo) }
              : null,
      };
    case 'CEB624Message':
    case 'CEB626Message': {
      const docType = type === 'CEB624Message' ? 'CEB623Message' : 'CEB625Message';
      const agent = s(r.agentCode);
      return {
        ...common,
        businessKey: `${agent}|${s(r.copNo)}`,
        target: !agent
          ? null
          : s(r.invtNo)
            ? { kind: 'document', type: docType, businessKey: `${agent}|${s(r.invtNo)}` }
            : { kind: 'document', type: docType, keyPrefix: `${agent}|`, field: 'copNo', value: s(r.copNo) },
      };
    }
    case 'CEB712Message': {
      const operator = s(r.operatorCode);
      return {
        ...common,
        businessKey: `${operator}|${s(r.copNo)}`,
        target:
          operator && s(r.copNo)
            ? { kind: 'document', type: 'CEB711Message', keyPrefix: `${operator}|`, field: 'copNo', value: s(r.copNo) }
            : null,
      };
    }
    case 'CEB816Message':
    case 'CEB818Message': {
      const head = (r.TaxHeadRd ?? r.TaxHeadStatus ?? {}) as CebRecord;
      const status = s(head.status);
      const taxNo = s(head.taxNo);
      return {
        target: s(head.invtNo) ? { kind: 'inventory', invtNo: s(head.invtNo) } : null,
        returnStatus: status,
        returnTime: s(head.returnTime),
        returnInfo: type === 'CEB816Message' ? `电子税单 ${taxNo} 已生成` : `电子税单 ${taxNo} 状态 ${status}`,
        recordGuid: '',
        businessKey: s(head.invtNo),
        status: false,
        tax: { invtNo: s(head.invtNo), taxNo, assureCode: s(head.assureCode) },
      };
    }
    default:
      return { ...common, target: null, status: false };
  }
}

/** Which code field names which name field: the transmitting enterprise's name for BaseTransfer. */
const NAME_FIELDS: [string, string][] = [
  ['agentCode', 'agentName'],
  ['logisticsCode', 'logisticsName'],
  ['payCode', 'payName'],
  ['ebpCode', 'ebpName'],
  ['ebcCode', 'ebcName'],
  ['operatorCode', 'operatorName'],
  ['assureCode', 'assureName'],
];

function baseTransfer(senderUscc: string, head: CebRecord, nodeId: string): CebRecord {
  const named = NAME_FIELDS.find(([code, name]) => s(head[code]) === senderUscc && s(head[name]));
  const anyName = NAME_FIELDS.find(([, name]) => s(head[name]));
  const copName = s(head[(named ?? anyName)?.[1] ?? '']) || senderUscc;
  return { copCode: senderUscc, copName: copName.slice(0, 100), dxpMode: 'DXP', dxpId: nodeId };
}

export type GatewayStats = {
  queued: number;
  sent: number;
  sendFailures: number;
  received: number;
  repeats: number;
  applied: number;
  stale: number;
  unmatched: number;
};

export class ConnectedGateway implements IntakeListener {
  readonly stats: GatewayStats = {
    queued: 0,
    sent: 0,
    sendFailures: 0,
    received: 0,
    repeats: 0,
    applied: 0,
    stale: 0,
    unmatched: 0,
  };
  private readonly log: GatewayLogger;
  private readonly clock: () => Date;
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  /** Outbox drains failing in a row (the database is down): the next waits longer. */
  private readonly drainBackoff = new Backoff();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private kicked = false;
  private failures = 0;
  private startPromise: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly pi: PersonalInfoCipher,
    readonly transport: GatewayTransport,
    private readonly opts: ConnectedGatewayOptions,
  ) {
    if (!opts.nodeId || opts.nodeId.length > 16) throw new TypeError('nodeId must have 1 to 16 characters');
    if (!opts.customsNodeId || opts.customsNodeId.length > 16) {
      throw new TypeError('customsNodeId must have 1 to 16 characters');
    }
    this.log = opts.logger ?? silentLogger;
    this.clock = opts.clock ?? (() => new Date());
    transport.onReceive((m) => this.receive(m));
  }

  // ---- outbound ---------------------------------------------------------------------------------------------

  /** Queues the declared records of an accepted message for customs, in the intake transaction. */
  async onAccepted(tx: Tx, acc: AcceptedRecords): Promise<void> {
    if (!OUTBOUND_TYPES.has(acc.type)) return;
    const spec = MESSAGE_SPECS.get(acc.type);
    const declared = acc.records.filter((r) => text(r.head.appStatus) === '2');
    if (!spec || declared.length === 0) return;
    const records = declared.map(({ head, items }): CebRecord => {
      if (!spec.head) return head;
      const rec: CebRecord = { [spec.head]: head };
      if (spec.items && items.length > 0) rec[spec.items] = items;
      return rec;
    });
    let forwarded: { xml: string; guid: string } | null = null;
    if (declared.length === acc.records.length) forwarded = await this.signedOriginal(tx, acc.messageId);
    let guid = forwarded?.guid ?? randomUUID().toUpperCase();
    let xml = forwarded?.xml;
    if (!xml) {
      guid = randomUUID().toUpperCase();
      const message: CebMessage = {
        type: acc.type,
        guid,
        version: '1.0',
        records,
        baseTransfer: baseTransfer(acc.senderUscc, declared[0]!.head, this.opts.nodeId),
      };
      // Signed when sent (envelope()): a signing problem (an expired certificate) holds the outbox, not the intake.
      xml = buildCebUnsigned(message);
    }
    await tx.insert(gwOutbox).values({
      id: randomUUID(),
      msgType: acc.type,
      guid,
      sourceMessageId: acc.messageId,
      recordCount: records.length,
      body: this.pi.encrypt(xml),
    });
    this.stats.queued++;
    // The row is visible once the intake commits: look soon after (and the poll catches it anyway).
    setTimeout(() => this.kick(), 10).unref();
  }

  /**
   * The enterprise's own message when it came signed in XML (加签): customs checks the enterprise's signature, so
   * it goes out exactly as received (the records are the same; the platform's pre-entry number is not added).
   */
  private async signedOriginal(tx: Tx, messageId: string): Promise<{ xml: string; guid: string } | null> {
    const original = await messageXml(tx, this.pi, messageId);
    if (!original || !HAS_SIGNATURE.test(original.toString('utf8'))) return null;
    const parsed = parseCeb(original);
    if (!parsed.ok || !parsed.message.signature || !parsed.message.guid) return null;
    return { xml: original.toString('utf8'), guid: parsed.message.guid };
  }

  /**
   * Connects the transport (retrying with back-off until it works or stop() is called) and starts sending; resolves
   * once connected. Receiving starts with the transport.
   */
  start(): Promise<void> {
    if (this.state === 'stopped') return Promise.reject(new GatewayClosedError('the gateway is stopped'));
    this.startPromise ??= (async () => {
      this.state = 'starting';
      for (let attempt = 1; ; attempt++) {
        try {
          await this.transport.start();
          break;
        } catch (err) {
          if (this.abort.signal.aborted) throw new GatewayClosedError('stopped while connecting');
          const delay = backoffDelay(attempt, this.opts.connectRetryDelayMs ?? 1000, 30_000);
          this.log.error(
            { attempt, delay, err: errorMessage(err) },
            'gateway: cannot connect the transport; retrying (declarations wait in the outbox)',
          );
          await sleep(delay, this.abort.signal);
          if (this.abort.signal.aborted) throw new GatewayClosedError('stopped while connecting');
        }
      }
      this.state = 'running';
      this.timer = setInterval(() => this.kick(), this.opts.pollIntervalMs ?? 500);
      this.timer.unref();
      this.kick();
      this.log.info({ transport: this.transport.kind }, 'gateway: connected');
    })();
    return this.startPromise;
  }

  /** Stops sending, waits for the message being sent, closes the transport. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.startPromise?.catch(() => {});
    // Closing the transport ends a send waiting for a broker (it rejects), lets running receipt handlers finish.
    await this.transport.close();
    await this.running;
  }

  /** Messages not yet confirmed by the transport. */
  async pending(): Promise<number> {
    return (await this.db.select({ id: gwOutbox.id }).from(gwOutbox).where(isNull(gwOutbox.sentAt))).length;
  }

  private kick(): void {
    if (this.state !== 'running' || !this.drainBackoff.ready()) return;
    if (this.running) {
      this.kicked = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.kicked = false;
          await this.drainOutbox();
        } while (this.kicked && this.state === 'running');
        this.drainBackoff.succeeded();
      } catch (err) {
        // the database is down (or a bug): back off, keep polling, resume by itself
        const retryInMs = this.drainBackoff.failed();
        this.log.error({ err: errorMessage(err), retryInMs }, 'gateway: outbox drain failed; retried after a back-off');
      } finally {
        this.running = null;
      }
    })();
  }

  /** Sends pending messages oldest first until none is left; a failure backs off and retries the same message. */
  private async drainOutbox(): Promise<void> {
    while (this.state === 'running') {
      const rows = await this.db
        .select()
        .from(gwOutbox)
        .where(isNull(gwOutbox.sentAt))
        .orderBy(asc(gwOutbox.seq))
        .limit(50);
      if (rows.length === 0) return;
      for (const row of rows) {
        if (this.state !== 'running') return;
        try {
          await this.transport.send(this.envelope(row));
        } catch (err) {
          if (this.state !== 'running' || err instanceof GatewayClosedError) return;
          this.failures++;
          this.stats.sendFailures++;
          const delay = backoffDelay(
            this.failures,
            this.opts.retryDelayMs ?? 1000,
            this.opts.maxRetryDelayMs ?? 60_000,
          );
          await this.db
            .update(gwOutbox)
            .set({ attempts: row.attempts + 1, lastError: errorMessage(err).slice(0, 2000) })
            .where(eq(gwOutbox.id, row.id));
          this.log.warn(
            { id: row.id, type: row.msgType, attempt: row.attempts + 1, delay, err: errorMessage(err) },
            'gateway: send failed; retrying (later messages wait)',
          );
          await sleep(delay, this.abort.signal);
          break; // select again: the same message is first
        }
        this.failures = 0;
        await this.db
          .update(gwOutbox)
          .set({ sentAt: this.clock(), attempts: row.attempts + 1, lastError: null })
          .where(eq(gwOutbox.id, row.id));
        this.stats.sent++;
        this.log.info({ id: row.id, type: row.msgType, guid: row.guid }, 'gateway: sent to customs');
      }
    }
  }

  /** The DxpMsg of an outbox row; its CopMsgId (= the transport's message id) sorts in sending order. */
  private envelope(row: typeof gwOutbox.$inferSelect): OutboundEnvelope {
    const copMsgId = `${String(row.seq).padStart(12, '0')}-${row.id}`;
    let ceb = this.pi.decrypt(row.body);
    if (signatureRequired(row.msgType as CebMessageType) && !HAS_SIGNATURE.test(ceb)) {
      if (this.opts.messageSigner) ceb = this.opts.messageSigner(ceb);
      else {
        this.log.warn(
          { id: row.id, type: row.msgType },
          'gateway: no transfer-node certificate (CBEC_GATEWAY_SIGN_KEY_FILE/CERT_FILE): sent without the Signature customs requires',
        );
      }
    }
    const xml = wrapDxp(ceb, {
      copMsgId,
      senderId: this.opts.nodeId,
      receiverIds: [this.opts.customsNodeId],
      creatTime: dxpCreatTime(row.createdAt),
      msgType: row.msgType,
    });
    const body = this.opts.signer ? signDxp(xml, this.opts.signer) : xml;
    return { messageId: copMsgId, msgType: row.msgType, body: Buffer.from(body, 'utf8') };
  }

  // ---- inbound ----------------------------------------------------------------------------------------------

  /** The transport's handler: resolves when the message was applied (or was a repeat); throws to have it retried. */
  async receive(m: InboundMessage): Promise<void> {
    this.stats.received++;
    let inner: Buffer = m.body;
    if (isDxpMsg(m.body)) {
      const opened = unwrapDxp(m.body);
      if (!opened.ok) throw new Error(`not a valid DxpMsg: ${opened.errors.map((e) => e.message.en).join('; ')}`);
      inner = opened.inner;
    }
    const parsed = parseCeb(inner);
    if (!parsed.ok) {
      throw new Error(
        `not a valid CEB message: ${parsed.errors
          .slice(0, 5)
          .map((e) => `${e.path}: ${e.message.en}`)
          .join('; ')}`,
      );
    }
    const msg = parsed.message;
    if (!RECEIPT_TYPES.has(msg.type)) {
      this.log.warn({ id: m.id, type: msg.type }, 'gateway: not a receipt the platform applies; ignored');
      return;
    }
    const outcome = await this.db.transaction(async (tx) => {
      const first = await tx
        .insert(gwInboxSeen)
        .values({ key: `msg:${msg.guid}`, transportId: m.id.slice(0, 255) })
        .onConflictDoNothing()
        .returning({ key: gwInboxSeen.key });
      if (first.length === 0) return 'repeat' as const;
      await this.apply(tx, msg, m.id);
      return 'done' as const;
    });
    if (outcome === 'repeat') {
      this.stats.repeats++;
      this.log.info({ id: m.id, type: msg.type, guid: msg.guid }, 'gateway: receipt message seen before; ignored');
    }
  }

  private async apply(tx: Tx, msg: CebMessage, transportId: string): Promise<void> {
    const receipts: ReceiptToIssue[] = [];
    const statuses: Parameters<typeof setRecordStatuses>[1][number][] = [];
    for (const record of msg.records) {
      const r = route(msg.type, record);
      const found = r.target ? await findDeclaredRecord(tx, this.pi, r.target, { lock: r.status }) : null;
      const businessKey = r.businessKey ?? found?.businessKey ?? '';
      const identity = `rcpt:${msg.type}|${businessKey}|${r.recordGuid || r.tax?.taxNo || ''}|${r.returnStatus}`;
      if (!found) {
        this.stats.unmatched++;
        await this.seen(tx, identity, transportId, 'unmatched');
        this.log.warn(
          { type: msg.type, guid: msg.guid, businessKey, returnStatus: r.returnStatus },
          'gateway: a receipt for a record the platform does not know; dropped',
        );
        continue;
      }
      if (!(await this.seen(tx, identity, transportId, 'applied'))) {
        this.stats.repeats++;
        continue; // the same receipt came before in another message
      }
      for (const recipientUscc of await this.recipients(tx, found, r)) {
        receipts.push({
          recipientUscc,
          type: msg.type,
          businessKey,
          returnStatus: r.returnStatus,
          returnTime: r.returnTime,
          returnInfo: r.returnInfo,
          record,
          messageId: found.messageId,
        });
      }
      if (!r.status) {
        this.stats.applied++;
        continue;
      }
      const sameDeclaration = !r.recordGuid || !found.guid || r.recordGuid === found.guid;
      let newStatus = sameDeclaration && supersedes(r.returnStatus, found.status) ? r.returnStatus : null;
      // 撤单成功 (CEB624 399): the list is cancelled.
      if (msg.type === 'CEB624Message' && r.returnStatus === '399' && s(record.invtNo)) {
        const list = await findDeclaredRecord(
          tx,
          this.pi,
          { kind: 'inventory', invtNo: s(record.invtNo) },
          { lock: true },
        );
        if (list && list.status !== 'cancelled') statuses.push({ kind: 'inventory', id: list.id, status: 'cancelled' });
      }
      if (
        msg.type === 'CEB622Message' &&
        sameDeclaration &&
        s(record.invtNo) &&
        found.inventory &&
        !found.inventory.invtNo
      ) {
        await setInventoryNumber(tx, found.id, s(record.invtNo));
      }
      // Several receipts for one record in one message: the status moves with each, in order.
      const earlier = statuses.findLast((x) => x.id === found.id);
      if (newStatus && earlier && !supersedes(newStatus, earlier.status)) newStatus = null;
      if (newStatus) {
        statuses.push({ kind: found.kind, id: found.id, status: newStatus });
        this.stats.applied++;
      } else {
        this.stats.stale++;
        await tx.update(gwInboxSeen).set({ outcome: 'stale' }).where(eq(gwInboxSeen.key, identity));
        this.log.info(
          {
            type: msg.type,
            businessKey,
            returnStatus: r.returnStatus,
            current: earlier?.status ?? found.status,
            sameDeclaration,
          },
          'gateway: receipt issued; the record keeps its newer status',
        );
      }
    }
    await setRecordStatuses(tx, statuses);
    if (receipts.length) await issueReceipts(tx, receipts);
  }

  /** Records a key as seen; false when it was seen before. */
  private async seen(tx: Tx, key: string, transportId: string, outcome: string): Promise<boolean> {
    const rows = await tx
      .insert(gwInboxSeen)
      .values({ key: key.slice(0, 300), transportId: transportId.slice(0, 255), outcome })
      .onConflictDoNothing()
      .returning({ key: gwInboxSeen.key });
    return rows.length > 0;
  }

  /**
   * The sender of the record and the enterprise it was declared for (a delegate's principal); for tax bills also the
   * guarantor (assureCode), when filed.
   */
  private async recipients(tx: Tx, found: DeclaredRecord, r: ReceiptRoute): Promise<string[]> {
    const out = new Set([found.senderUscc, found.declarerUscc].filter(Boolean));
    const assure = r.tax?.assureCode || found.inventory?.assureCode;
    if (r.tax && assure && this.opts.resolveParties) {
      const party = (await this.opts.resolveParties([assure], tx)).get(assure);
      if (party) out.add(party.uscc);
    }
    return [...out];
  }
}

// ---- transports from configuration -----------------------------------------------------------------------------

/**
 * The transport named by a gateway setting (CBEC_GATEWAY): `amqp://…` (RabbitMQ: `outboundQueue` to customs,
 * `inboundQueue` from customs) or `folder:/root` (the E-Port client's folder exchange). The platform side writes to
 * `/root/outbox` and reads `/root/inbox`; the customs side (the emulator) the other way round.
 */
export async function openGatewayTransport(
  spec: string,
  o: {
    side: 'platform' | 'customs';
    outboundQueue: string;
    inboundQueue: string;
    logger?: GatewayLogger;
    connectionName?: string;
    /** Folder exchange poll interval (default 2000 ms; fs.watch usually notices new files at once). */
    pollIntervalMs?: number;
    retryDelayMs?: number;
  },
): Promise<GatewayTransport> {
  if (/^amqps?:\/\//.test(spec)) {
    const { AmqpTransport } = await import('./amqp.js');
    return new AmqpTransport({
      url: spec,
      outboundQueue: o.outboundQueue,
      inboundQueue: o.inboundQueue,
      connectionName: o.connectionName ?? `cbec-zone ${o.side === 'platform' ? 'gateway' : 'customs emulator'}`,
      ...(o.retryDelayMs !== undefined ? { retryDelayMs: o.retryDelayMs } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
    });
  }
  if (spec.startsWith('folder:')) {
    const { FolderTransport } = await import('./folder.js');
    const { join, resolve } = await import('node:path');
    const root = resolve(spec.slice('folder:'.length));
    const [outboxDir, inboxDir] =
      o.side === 'platform' ? [join(root, 'outbox'), join(root, 'inbox')] : [join(root, 'inbox'), join(root, 'outbox')];
    return new FolderTransport({
      outboxDir,
      inboxDir,
      ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {}),
      ...(o.retryDelayMs !== undefined ? { retryDelayMs: o.retryDelayMs } : {}),
      ...(o.logger ? { logger: o.logger } : {}),
    });
  }
  throw new Error(`gateway: ${JSON.stringify(spec)} is neither amqp://… nor folder:/path`);
}

export { buildCebUnsigned, signatureRequired };

/** A messageSigner over the platform's transfer-node key and certificate (signCeb: SM2-SM3, or RSA-SHA1). */
export function cebMessageSigner(key: CebSigningKey): (xml: string) => string {
  return (xml) => signCeb(xml, key);
}

/**
 * The transfer-node key from files (CBEC_GATEWAY_SIGN_KEY_FILE: PEM private key, SM2 or RSA;
 * CBEC_GATEWAY_SIGN_CERT_FILE: its certificate, PEM or DER). KeyName is the certificate's serial number.
 */
export function loadTransferNodeKey(keyFile: string, certFile: string): CebSigningKey {
  const raw = readFileSync(certFile);
  const cert = parseCertificate(raw.includes('-----BEGIN') ? raw.toString('utf8') : raw);
  return {
    algorithm: cert.info.keyAlgorithm === 'sm2' ? 'sm2-sm3' : 'rsa-sha1',
    privateKey: readFileSync(keyFile, 'utf8'),
    certificateDer: cert.der,
    keyName: cert.info.serialHex,
  };
}
