/**
 * The gateway to the customs data exchange (海关数据交换, "connected" mode): signed CEB messages, wrapped in DxpMsg
 * envelopes (ceb-messages.md §2.4, src/modules/declaration/ceb/dxp.ts), go out through a transport, and receipts
 * come back through it. Two transports implement the same contract:
 *
 * - `AmqpTransport` (amqp.ts): RabbitMQ quorum queues, publisher confirms, dead-lettering, reconnect with back-off.
 * - `FolderTransport` (folder.ts): the E-Port client's folder exchange (outbox/inbox directories).
 *
 * The contract:
 *
 * - `send()` is durable: it resolves only once the broker confirmed the message (AMQP) or the file was fully written,
 *   fsynced and renamed into place (folder). A rejected `send()` may still have delivered the message (e.g. the
 *   connection died after the broker stored it but before the confirm arrived), so a caller that retries can send a
 *   duplicate.
 * - Delivery is **at least once**: a received message is acknowledged (AMQP ack / file moved out of the inbox) only
 *   after the handler's promise resolved. A handler that throws gets the same message again (`attempt` + 1) after a
 *   back-off, up to `maxAttempts` deliveries; then the message is dead-lettered (`<queue>.dead` / `inbox/failed/`).
 *   A crash or connection loss in the middle of a handler also leads to redelivery.
 * - **Duplicates are passed on.** A message delivered twice (redelivery, or the sender sent it twice) reaches the
 *   handler twice, with the same `id`. The transports do not deduplicate: the caller must, by the CEB message's
 *   `guid` (or the DxpMsg `CopMsgId`), e.g. with a unique key on the receipts table, and treat a repeat as success.
 * - **Ordering**: one consumer handles one message at a time by default, in the order the transport gives them
 *   (queue order for AMQP, file name or mtime order for the folder). A failing message is retried before later ones
 *   are handled (head-of-line, bounded by `maxAttempts` and the back-off); on RabbitMQ a requeued message coming back
 *   first is broker behaviour (true of 3.10, not promised by AMQP). Nothing orders messages across transports,
 *   across consumers, or after a dead-letter: receipts must be applied so that a late, older status cannot overwrite a
 *   newer one.
 */
import { type DxpTransInfo, wrapDxp } from '../declaration/port.js';

/** A message to send: `messageId` names it (AMQP message-id, the outbox file name), `msgType` e.g. `CEB311Message`. */
export type OutboundEnvelope = { messageId: string; msgType: string; body: Buffer };

/** A received message. `id` is the sender's message id (AMQP message-id, or the inbox file name without `.xml`). */
export type InboundMessage = {
  id: string;
  body: Buffer;
  receivedAt: Date;
  /** 1 on the first delivery; counts redeliveries after failures and crashes. */
  attempt: number;
  /** The AMQP `type` property when the sender set one. */
  msgType?: string;
};

/** Resolve to acknowledge; throw (reject) to have the message redelivered (or dead-lettered after the last attempt). */
export type MessageHandler = (m: InboundMessage) => Promise<void>;

export interface GatewayTransport {
  readonly kind: 'amqp' | 'folder';
  /** Durable send: resolves once the message is safely handed over. Rejects on timeout, refusal, or after close(). */
  send(envelope: OutboundEnvelope): Promise<void>;
  /** Registers the (single) handler of received messages; may be called before or after start(). */
  onReceive(handler: MessageHandler): void;
  /** Connects / creates the directories and starts receiving (if a handler is registered). */
  start(): Promise<void>;
  /** Stops receiving, waits for running handlers and pending sends (bounded), releases every handle. Idempotent. */
  close(): Promise<void>;
}

/** The logger the transports write to (a pino Logger fits). Message bodies are never logged. */
export type GatewayLogger = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

export const silentLogger: GatewayLogger = { info() {}, warn() {}, error() {} };

/** Thrown by send() after (or during) close(), and by operations on a closed transport. */
export class GatewayClosedError extends Error {
  constructor(what = 'the gateway transport is closed') {
    super(what);
    this.name = 'GatewayClosedError';
  }
}

/** A send that the transport could not complete (timeout, broker refusal, unroutable, I/O error). */
export class GatewaySendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewaySendError';
  }
}

/** Message ids must be usable as file names and as AMQP shortstr: letters, digits, `.`, `_`, `-`; at most 200. */
const MESSAGE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function validateEnvelope(e: OutboundEnvelope): void {
  if (!MESSAGE_ID.test(e.messageId) || e.messageId.endsWith('.tmp')) {
    throw new TypeError(
      `messageId ${JSON.stringify(e.messageId)} is not allowed: use 1–200 of A–Z a–z 0–9 . _ - (not starting with . _ -)`,
    );
  }
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(e.msgType)) throw new TypeError(`msgType ${JSON.stringify(e.msgType)} is invalid`);
  if (!Buffer.isBuffer(e.body)) throw new TypeError('body must be a Buffer');
}

/** Exponential back-off: base·2^(n−1), capped, with ±20 % jitter (n ≥ 1). */
export function backoffDelay(n: number, baseMs: number, maxMs: number, jitter = 0.2): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, n - 1));
  const spread = raw * jitter;
  return Math.max(0, Math.min(maxMs, Math.round(raw - spread + Math.random() * 2 * spread)));
}

/** `yyyy-mm-ddThh:mm:ss` in China time (UTC+8), the DxpMsg CreatTime format. */
export function dxpCreatTime(d = new Date()): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
}

/**
 * The envelope of a CEB message for the data exchange: the DxpMsg (Base64 of `innerXml`) as the body, the
 * TransInfo's CopMsgId as the message id and its MsgType as the type. `creatTime` defaults to now.
 */
export function dxpEnvelope(
  innerXml: string | Uint8Array,
  t: Omit<DxpTransInfo, 'creatTime'> & { creatTime?: string },
): OutboundEnvelope {
  const transInfo: DxpTransInfo = { ...t, creatTime: t.creatTime ?? dxpCreatTime() };
  return { messageId: t.copMsgId, msgType: t.msgType, body: Buffer.from(wrapDxp(innerXml, transInfo), 'utf8') };
}

/** Resolves after `ms`, or at once when `signal` aborts. The timer never outlives the wait. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Resolves when `p` settles or after `ms`, whichever is first; the timer never outlives it. */
export async function waitAtMost(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
