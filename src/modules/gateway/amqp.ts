/**
 * The AMQP transport (RabbitMQ ≥ 3.10): messages to customs go to the outbound queue (e.g. `cbec.to-customs`), receipts
 * are consumed from the inbound queue (e.g. `cbec.from-customs`, or the data exchange's `<dxpId>_HZ`).
 *
 * - Queues are durable **quorum** queues, declared identically by both peers (`gatewayQueueArguments`): a delivery
 *   limit of `maxAttempts − 1` redeliveries and at-least-once dead-lettering to `<queue>.dead`. RabbitMQ 3.10 counts
 *   every return of a message (a nack, but also a consumer whose connection died while handling it), so a message
 *   that crashes the process is dead-lettered too instead of looping forever. The count reaches the handler as
 *   `attempt` (from `x-delivery-count`).
 * - Messages are persistent, carry `messageId` and `type` (the CEB message type), `contentType: application/xml`, and
 *   are published `mandatory` on a ConfirmChannel: send() resolves on the broker's confirm, rejects on a nack or when
 *   the queue does not exist. A send made while the connection is down waits for the reconnect (up to
 *   `sendTimeoutMs`); a send whose connection died before the confirm is published again after the reconnect (a
 *   possible duplicate, see transport.ts).
 * - A handler failure holds the message for a back-off (`retryDelayMs`, doubling) and then nacks it back to the queue;
 *   the last attempt is nacked without requeue, i.e. dead-lettered (`x-first-death-reason: rejected`; a message that
 *   exceeded the limit by crashes shows `delivery_limit`).
 * - `prefetch` defaults to `concurrency` (1): messages are not buffered on the client, so the broker's count of
 *   returns only counts messages a handler actually held, and order is kept.
 * - The connection is re-opened with exponential back-off (`reconnectDelayMs` … `maxReconnectDelayMs`, jittered) when it
 *   or a channel closes; heartbeats (`heartbeatSeconds`) detect a silent peer. Acks for deliveries of a lost connection
 *   are dropped (the broker redelivers those messages).
 * - close() stops taking new messages, lets running handlers finish and ack (bounded by `closeTimeoutMs`), waits for
 *   unconfirmed sends, then closes the channels before the connection: RabbitMQ drops acks still in flight when a
 *   connection closes with its channels open (the acked message came back), which the close test guards against.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, connect } from 'amqplib';
import {
  backoffDelay,
  errorMessage,
  GatewayClosedError,
  type GatewayLogger,
  GatewaySendError,
  type GatewayTransport,
  type MessageHandler,
  type OutboundEnvelope,
  silentLogger,
  sleep,
  validateEnvelope,
  waitAtMost,
} from './transport.js';

export type AmqpTransportOptions = {
  /** e.g. `amqp://guest:guest@127.0.0.1:5672` (vhost as the path, `amqps://` for TLS). */
  url: string;
  /** Where send() publishes (default exchange, routing key = queue name). */
  outboundQueue: string;
  /** What onReceive() consumes. */
  inboundQueue: string;
  /** Declare both queues and their `.dead` queues (default true). When false, they must exist (checked on connect). */
  declareQueues?: boolean;
  /** Deliveries of a message before it is dead-lettered (default 5). Part of the queue arguments: peers must agree. */
  maxAttempts?: number;
  /** Messages handled at the same time (default 1, which keeps the queue order). */
  concurrency?: number;
  /** Unacknowledged messages the broker may push (default = concurrency). */
  prefetch?: number;
  /** Back-off before a failed message is returned for redelivery: doubles per attempt (default 1000, max 30000). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Reconnect back-off (default 200 ms doubling up to 30 s, ±20 % jitter). */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** AMQP heartbeat (default 10 s; 0 disables). */
  heartbeatSeconds?: number;
  /** TCP + AMQP handshake timeout of one connection attempt (default 10 s). */
  connectTimeoutMs?: number;
  /** How long send() may wait for a connection and the confirm (default 30 s). */
  sendTimeoutMs?: number;
  /** How long close() waits for running handlers and unconfirmed sends (default 10 s). */
  closeTimeoutMs?: number;
  /** Shown by `rabbitmqctl list_connections client_properties` (default `cbec-zone gateway`). */
  connectionName?: string;
  logger?: GatewayLogger;
};

/** Where a queue's dead letters go. */
export const deadLetterQueueName = (queue: string) => `${queue}.dead`;

/** The arguments both peers must declare a gateway queue with (RabbitMQ refuses a declaration that differs). */
export function gatewayQueueArguments(queue: string, maxAttempts: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': maxAttempts - 1,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': deadLetterQueueName(queue),
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

/** Declares the queues (and their dead-letter queues) on a channel. */
export async function declareGatewayQueues(ch: Channel, queues: string[], maxAttempts: number): Promise<void> {
  for (const q of new Set(queues)) {
    await ch.assertQueue(deadLetterQueueName(q), { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.assertQueue(q, { durable: true, arguments: gatewayQueueArguments(q, maxAttempts) });
  }
}

const PUBLISH_ID = 'x-cbec-publish-id';

/** One connection with its channels; `alive` turns false for good when any of them closes. */
type Link = {
  gen: number;
  conn: ChannelModel;
  pub?: ConfirmChannel;
  sub?: Channel;
  consumerTag?: string;
  alive: boolean;
  /** The connection itself closed (not just a channel): nothing left to close. */
  connClosed: boolean;
  /** Publish ids the broker returned as unroutable (the return arrives before the confirm). */
  returned: Set<string>;
};

type Delivery = { link: Link; sub: Channel; msg: ConsumeMessage };
type Waiter = { resolve: (l: Link) => void; reject: (e: Error) => void };
type State = 'new' | 'starting' | 'running' | 'closing' | 'closed';

/**
 * Events: `connected` (generation number) after every (re)connect, `disconnected` (Error) when the connection is lost.
 */
export class AmqpTransport extends EventEmitter implements GatewayTransport {
  readonly kind = 'amqp' as const;
  private readonly o: Required<Omit<AmqpTransportOptions, 'logger'>>;
  private readonly log: GatewayLogger;
  private state: State = 'new';
  private link?: Link;
  private gen = 0;
  private handler?: MessageHandler;
  private startPromise?: Promise<void>;
  private closePromise?: Promise<void>;
  private pendingOpen?: Promise<unknown>;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectAttempt = 0;
  private readonly waiters = new Set<Waiter>();
  private buffer: Delivery[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly disposing = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  /** Counters for health checks and tests. */
  readonly stats = { connects: 0, disconnects: 0, delivered: 0, acked: 0, requeued: 0, deadLettered: 0 };

  constructor(options: AmqpTransportOptions) {
    super();
    const concurrency = options.concurrency ?? 1;
    this.o = {
      url: options.url,
      outboundQueue: options.outboundQueue,
      inboundQueue: options.inboundQueue,
      declareQueues: options.declareQueues ?? true,
      maxAttempts: options.maxAttempts ?? 5,
      concurrency,
      prefetch: options.prefetch ?? concurrency,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      reconnectDelayMs: options.reconnectDelayMs ?? 200,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? 30_000,
      heartbeatSeconds: options.heartbeatSeconds ?? 10,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      sendTimeoutMs: options.sendTimeoutMs ?? 30_000,
      closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
      connectionName: options.connectionName ?? 'cbec-zone gateway',
    };
    this.log = options.logger ?? silentLogger;
    for (const q of [this.o.outboundQueue, this.o.inboundQueue]) {
      if (!q || q.length > 200) throw new TypeError(`invalid queue name ${JSON.stringify(q)}`);
    }
    if (!Number.isInteger(this.o.maxAttempts) || this.o.maxAttempts < 1) throw new TypeError('maxAttempts must be ≥ 1');
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError('concurrency must be ≥ 1');
    if (this.o.prefetch < concurrency) throw new TypeError('prefetch must be ≥ concurrency');
  }

  /** close() was called (the state changes across awaits, hence a getter TypeScript does not narrow). */
  private get isClosing(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  /** Whether a connection is open right now. */
  get connected(): boolean {
    return this.link?.alive === true;
  }

  /** The queues this transport uses (with the dead-letter queues), e.g. for cleanup. */
  get queues(): string[] {
    const qs = [...new Set([this.o.outboundQueue, this.o.inboundQueue])];
    return [...qs, ...qs.map(deadLetterQueueName)];
  }

  start(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') return Promise.reject(new GatewayClosedError());
    if (this.startPromise) return this.startPromise;
    this.state = 'starting';
    this.startPromise = this.trackOpen(async () => {
      try {
        const link = await this.openLink();
        if (this.state !== 'starting') {
          await this.dispose(link);
          throw new GatewayClosedError('closed while starting');
        }
        this.state = 'running';
        this.install(link);
      } catch (err) {
        if (this.state === 'starting') {
          this.state = 'new';
          this.startPromise = undefined;
          for (const w of this.waiters) w.reject(err instanceof Error ? err : new Error(String(err)));
          this.waiters.clear();
        }
        throw err;
      }
    });
    return this.startPromise;
  }

  onReceive(handler: MessageHandler): void {
    if (this.handler) throw new Error('onReceive: a handler is already registered');
    this.handler = handler;
    const link = this.link;
    if (this.state === 'running' && link?.alive) {
      this.startConsumer(link).catch((err) => this.lost(link, err));
    }
  }

  async send(envelope: OutboundEnvelope): Promise<void> {
    validateEnvelope(envelope);
    if (this.state === 'closing' || this.state === 'closed') throw new GatewayClosedError();
    if (this.state === 'new') throw new Error('AmqpTransport.send: call start() first');
    const deadline = Date.now() + this.o.sendTimeoutMs;
    for (;;) {
      const link = await this.waitForLink(deadline);
      try {
        const p = this.publish(link, envelope, deadline);
        this.inflight.add(p);
        try {
          await p;
        } finally {
          this.inflight.delete(p);
        }
        return;
      } catch (err) {
        if (err instanceof GatewaySendError && !err.retryable) throw err;
        if (this.isClosing) {
          throw new GatewayClosedError(`closed before the broker confirmed message ${envelope.messageId}`);
        }
        if (Date.now() >= deadline) {
          throw new GatewaySendError(
            `message ${envelope.messageId} not confirmed within ${this.o.sendTimeoutMs} ms: ${errorMessage(err)}`,
            true,
            { cause: err },
          );
        }
        this.log.warn(
          { messageId: envelope.messageId, err: errorMessage(err) },
          'gateway amqp: connection lost before the confirm; publishing again after the reconnect',
        );
      }
    }
  }

  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  // ---- connection management ----

  /** Runs a connection attempt (open + install or dispose) that close() must wait for. */
  private trackOpen<T>(attempt: () => Promise<T>): Promise<T> {
    const p = attempt();
    this.pendingOpen = p;
    const clear = () => {
      if (this.pendingOpen === p) this.pendingOpen = undefined;
    };
    p.then(clear, clear);
    return p;
  }

  private async openLink(): Promise<Link> {
    const gen = ++this.gen;
    const url = new URL(this.o.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(this.o.heartbeatSeconds));
    const conn = await connect(url.toString(), {
      timeout: this.o.connectTimeoutMs,
      clientProperties: { connection_name: this.o.connectionName },
    });
    const link: Link = { gen, conn, alive: true, connClosed: false, returned: new Set() };
    conn.on('error', (err: Error) => this.log.warn({ gen, err: errorMessage(err) }, 'gateway amqp: connection error'));
    conn.on('close', (err?: Error) => {
      link.connClosed = true;
      this.lost(link, err ?? new Error('connection closed'));
    });
    conn.on('blocked', (reason: string) =>
      this.log.warn({ gen, reason }, 'gateway amqp: the broker blocked publishing'),
    );
    conn.on('unblocked', () => this.log.info({ gen }, 'gateway amqp: publishing unblocked'));
    try {
      const pub = await conn.createConfirmChannel();
      link.pub = pub;
      pub.on('error', (err: Error) => this.log.warn({ gen, err: errorMessage(err) }, 'gateway amqp: channel error'));
      pub.on('close', () => this.channelClosed(link, 'publish'));
      pub.on('return', (m) => {
        const id = m.properties.headers?.[PUBLISH_ID];
        if (typeof id === 'string') link.returned.add(id);
      });
      try {
        if (this.o.declareQueues) {
          await declareGatewayQueues(pub, [this.o.outboundQueue, this.o.inboundQueue], this.o.maxAttempts);
        } else {
          await pub.checkQueue(this.o.outboundQueue);
          await pub.checkQueue(this.o.inboundQueue);
        }
      } catch (err) {
        throw new Error(
          `gateway amqp: cannot ${this.o.declareQueues ? 'declare' : 'find'} queues ${this.o.outboundQueue}, ` +
            `${this.o.inboundQueue} (declared elsewhere with other arguments, or missing?): ${errorMessage(err)}`,
          { cause: err },
        );
      }
      if (this.handler) await this.startConsumer(link);
      return link;
    } catch (err) {
      link.alive = false;
      await waitAtMost(conn.close(), this.o.closeTimeoutMs);
      throw err;
    }
  }

  private async startConsumer(link: Link): Promise<void> {
    const sub = await link.conn.createChannel();
    link.sub = sub;
    sub.on('error', (err: Error) =>
      this.log.warn({ gen: link.gen, err: errorMessage(err) }, 'gateway amqp: consumer channel error'),
    );
    sub.on('close', () => this.channelClosed(link, 'consumer'));
    await sub.prefetch(this.o.prefetch);
    const { consumerTag } = await sub.consume(
      this.o.inboundQueue,
      (msg) => {
        if (msg === null) {
          this.lost(link, new Error(`the broker cancelled the consumer of ${this.o.inboundQueue} (queue deleted?)`));
          return;
        }

        this.buffer.push({ link, sub, msg });
        this.pump();
      },
      { noAck: false },
    );
    link.consumerTag = consumerTag;
  }

  /**
   * A channel closed: the link is unusable at once (no publish or ack may use it), but the loss is reported a tick
   * later, because when the whole connection closes its channels close first and the connection's reason is better.
   */
  private channelClosed(link: Link, which: string): void {
    link.alive = false;
    setImmediate(() => this.lost(link, new Error(`${which} channel closed`)));
  }

  private install(link: Link): void {
    if (!link.alive) {
      // Lost between opening and installing.
      this.scheduleReconnect();
      return;
    }
    this.link = link;
    this.reconnectAttempt = 0;
    this.stats.connects++;
    this.log.info({ gen: link.gen }, 'gateway amqp: connected');
    for (const w of this.waiters) w.resolve(link);
    this.waiters.clear();
    this.emit('connected', link.gen);
    // onReceive() called while the connection was being opened.
    if (this.handler && !link.sub) this.startConsumer(link).catch((err) => this.lost(link, err));
    this.pump(); // deliveries that arrived while starting
  }

  private lost(link: Link, err: Error): void {
    link.alive = false;
    if (this.link !== link) return;
    this.link = undefined;
    this.stats.disconnects++;
    // Deliveries not yet handed to the handler: the broker requeues them with the connection.
    this.buffer = this.buffer.filter((d) => d.link !== link);
    this.log.warn({ gen: link.gen, err: errorMessage(err) }, 'gateway amqp: connection lost');
    this.emit('disconnected', err);
    // A channel may have died alone: drop the whole connection so the next one starts clean.
    void this.dispose(link);
    if (this.state === 'running') this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.state !== 'running') return;
    const attempt = ++this.reconnectAttempt;
    const delay = backoffDelay(attempt, this.o.reconnectDelayMs, this.o.maxReconnectDelayMs);
    this.log.info({ attempt, delay }, 'gateway amqp: reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.state !== 'running') return;
      void this.trackOpen(async () => {
        try {
          const link = await this.openLink();
          if (this.state !== 'running') await this.dispose(link);
          else this.install(link);
        } catch (err) {
          this.log.warn({ attempt, err: errorMessage(err) }, 'gateway amqp: reconnect failed');
          this.scheduleReconnect();
        }
      });
    }, delay);
  }

  /** Closes a connection (idempotent); close() waits for every disposal still running. */
  private dispose(link: Link): Promise<void> {
    link.alive = false;
    if (this.link === link) this.link = undefined;
    if (link.connClosed) return Promise.resolve();
    const p = (async () => {
      // Channels first: RabbitMQ drops acks still in flight when the connection closes with its channels open
      // (seen on 3.10 with quorum queues: the acked message came back), while a channel close is ordered after them.
      for (const ch of [link.sub, link.pub]) {
        if (ch) await waitAtMost(ch.close(), this.o.closeTimeoutMs);
      }
      const closed = await waitAtMost(link.conn.close(), this.o.closeTimeoutMs);
      if (!closed) {
        // The broker does not answer the close handshake: drop the socket.
        const stream = (link.conn as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
        stream?.destroy();
      }
    })();
    this.disposing.add(p);
    void p.finally(() => this.disposing.delete(p));
    return p;
  }

  private waitForLink(deadline: number): Promise<Link> {
    if (this.link?.alive) return Promise.resolve(this.link);
    if (this.state === 'closing' || this.state === 'closed') return Promise.reject(new GatewayClosedError());
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(
        () => {
          this.waiters.delete(w);
          reject(new GatewaySendError(`no connection to the broker within ${this.o.sendTimeoutMs} ms`, true));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiters.add(w);
    });
  }

  // ---- publishing ----

  private publish(link: Link, e: OutboundEnvelope, deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pub = link.pub;
      if (!pub || !link.alive) {
        reject(new GatewaySendError('connection lost', true));
        return;
      }
      const publishId = randomUUID();
      const timer = setTimeout(
        () => {
          link.returned.delete(publishId);
          reject(new GatewaySendError(`no confirm from the broker for ${e.messageId}`, true));
        },
        Math.max(0, deadline - Date.now()),
      );
      try {
        pub.sendToQueue(
          this.o.outboundQueue,
          e.body,
          {
            persistent: true,
            mandatory: true,
            messageId: e.messageId,
            type: e.msgType,
            contentType: 'application/xml',
            timestamp: Math.floor(Date.now() / 1000),
            appId: 'cbec-zone',
            headers: { [PUBLISH_ID]: publishId },
          },
          (err: unknown) => {
            clearTimeout(timer);
            const returned = link.returned.delete(publishId);
            if (err) {
              const nacked = errorMessage(err).includes('nacked');
              reject(
                new GatewaySendError(
                  nacked
                    ? `the broker refused message ${e.messageId} (nack; queue ${this.o.outboundQueue} full or failing)`
                    : `connection lost before the confirm of ${e.messageId}: ${errorMessage(err)}`,
                  !nacked,
                  { cause: err },
                ),
              );
            } else if (returned) {
              reject(
                new GatewaySendError(
                  `message ${e.messageId} was unroutable: queue ${this.o.outboundQueue} does not exist`,
                  false,
                ),
              );
            } else {
              resolve();
            }
          },
        );
      } catch (err) {
        // The channel closed under us (IllegalOperationError).
        clearTimeout(timer);
        reject(new GatewaySendError(`cannot publish ${e.messageId}: ${errorMessage(err)}`, true, { cause: err }));
      }
    });
  }

  // ---- consuming ----

  private pump(): void {
    while (this.active < this.o.concurrency && this.buffer.length > 0 && this.state === 'running') {
      const d = this.buffer.shift()!;
      this.active++;
      void this.handle(d).finally(() => {
        this.active--;
        if (this.active === 0) {
          for (const w of this.idleWaiters.splice(0)) w();
        }
        this.pump();
      });
    }
  }

  private async handle({ link, sub, msg }: Delivery): Promise<void> {
    const handler = this.handler;
    if (!link.alive || !handler) return;
    const count = Number(msg.properties.headers?.['x-delivery-count'] ?? 0);
    const attempt = (Number.isFinite(count) && count > 0 ? count : 0) + 1;
    const mid = msg.properties.messageId;
    const id = typeof mid === 'string' && mid ? mid : `amqp-${link.gen}-${msg.fields.deliveryTag}`;
    const type = msg.properties.type;
    this.stats.delivered++;
    try {
      await handler({
        id,
        body: msg.content,
        receivedAt: new Date(),
        attempt,
        ...(typeof type === 'string' && type ? { msgType: type } : {}),
      });
    } catch (err) {
      const final = attempt >= this.o.maxAttempts;
      this.log.warn(
        { id, attempt, maxAttempts: this.o.maxAttempts, err: errorMessage(err) },
        final
          ? `gateway amqp: handler failed on the last attempt; dead-lettering to ${deadLetterQueueName(this.o.inboundQueue)}`
          : 'gateway amqp: handler failed; the message will be redelivered',
      );
      if (!final) await sleep(backoffDelay(attempt, this.o.retryDelayMs, this.o.maxRetryDelayMs), this.stop.signal);
      if (this.settle(link, id, () => sub.nack(msg, false, !final))) {
        if (final) this.stats.deadLettered++;
        else this.stats.requeued++;
      }
      return;
    }
    if (this.settle(link, id, () => sub.ack(msg))) this.stats.acked++;
  }

  /** Acks/nacks on the channel the message came on, if it is still open (otherwise the broker redelivers). */
  private settle(link: Link, id: string, fn: () => void): boolean {
    if (!link.alive) {
      this.log.warn({ id, gen: link.gen }, 'gateway amqp: connection lost before the ack; the broker will redeliver');
      return false;
    }
    try {
      fn();
      return true;
    } catch (err) {
      this.log.warn({ id, err: errorMessage(err) }, 'gateway amqp: ack/nack failed; the broker will redeliver');
      return false;
    }
  }

  // ---- closing ----

  private async doClose(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.stop.abort();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    for (const w of this.waiters) w.reject(new GatewayClosedError());
    this.waiters.clear();
    const link = this.link;
    // Stop deliveries, then let running handlers finish and ack on the still-open channel.
    if (link?.alive && link.sub && link.consumerTag) {
      await waitAtMost(
        link.sub.cancel(link.consumerTag).catch(() => {}),
        this.o.closeTimeoutMs,
      );
    }
    this.buffer = []; // not yet handled: returned to the queue when the channel closes
    if (this.active > 0) {
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      if (!(await waitAtMost(idle, this.o.closeTimeoutMs))) {
        this.log.warn(
          { running: this.active },
          'gateway amqp: handlers still running at close; they will be redelivered',
        );
      }
    }
    if (this.inflight.size > 0) await waitAtMost(Promise.allSettled([...this.inflight]), this.o.closeTimeoutMs);
    if (this.pendingOpen) await waitAtMost(this.pendingOpen, this.o.connectTimeoutMs + this.o.closeTimeoutMs);
    this.gen++;
    if (link) await this.dispose(link);
    this.link = undefined;
    await Promise.allSettled([...this.disposing]);
    this.state = 'closed';
    this.log.info({}, 'gateway amqp: closed');
  }
}
