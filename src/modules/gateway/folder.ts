/**
 * The folder exchange, as with the E-Port client (客户端): the platform writes messages into an outbox directory that
 * the client uploads, and the client drops receipts into an inbox directory that the platform reads.
 *
 * - send() writes `outbox/<messageId>.xml.tmp`, fsyncs it, renames it to `outbox/<messageId>.xml` (atomic on one file
 *   system) and fsyncs the directory: a reader never sees a partial `.xml`. Sending an id again replaces the file if
 *   the client has not taken it yet.
 * - Receiving picks up only regular `*.xml` files of the inbox (never `.tmp`, dotfiles or subdirectories), in file
 *   name order (or mtime order), one at a time. Set `settleMs` for a sender that writes `.xml` files in place.
 * - After the handler resolved, the file moves to `inbox/processed/` (or is deleted when `processedDir` is null; a
 *   name already there gets a unique suffix, nothing is overwritten). A failed file stays in the inbox and is retried
 *   after a back-off, before any later file (head-of-line, like the queue); after `maxAttempts` it moves to
 *   `inbox/failed/` with `<name>.error.json` beside it. The attempt count is written to `inbox/.attempts/` before the
 *   handler runs, so it survives restarts and a file that crashes the process is failed too.
 * - New files are noticed by fs.watch, with a poll every `pollIntervalMs` as the fallback (network shares, watcher
 *   errors, events lost).
 * - One receiving process per inbox: two would both handle the same file.
 */
import { randomBytes } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { access, copyFile, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  validateEnvelope,
  waitAtMost,
} from './transport.js';

export type FolderTransportOptions = {
  outboxDir: string;
  inboxDir: string;
  /** Where handled files go (default `<inbox>/processed`); null deletes them. */
  processedDir?: string | null;
  /** Where files go after the last failed attempt (default `<inbox>/failed`). */
  failedDir?: string;
  /** Attempt counters (default `<inbox>/.attempts`). */
  stateDir?: string;
  /** Deliveries of a file before it is moved to failedDir (default 5). */
  maxAttempts?: number;
  /** Back-off before a failed file is retried: doubles per attempt (default 1000, max 30000). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Poll interval, the fallback of fs.watch (default 2000). */
  pollIntervalMs?: number;
  /** Use fs.watch (default true); without it only the poll finds new files. */
  watch?: boolean;
  /** Pick-up order: file name (default) or modification time (then name). */
  order?: 'name' | 'mtime';
  /** Leave a `.xml` younger than this for later (default 0: the sender renames complete files into place). */
  settleMs?: number;
  /** fsync written files and the outbox directory (default true). */
  fsync?: boolean;
  /** How long close() waits for a running handler (default 10 s). */
  closeTimeoutMs?: number;
  logger?: GatewayLogger;
};

type Outcome = 'done' | 'gone' | 'retry' | 'failed';

const isCode = (err: unknown, code: string) => (err as NodeJS.ErrnoException | null)?.code === code;

/** Moves `src` into `dir` as `name`, or under a unique name if that exists; copies across file systems. */
async function moveNoClobber(src: string, dir: string, name: string): Promise<string> {
  let dest = join(dir, name);
  try {
    await access(dest);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    dest = join(dir, `${stem}.${Date.now()}-${randomBytes(4).toString('hex')}${ext}`);
  } catch {
    // free
  }
  try {
    await rename(src, dest);
  } catch (err) {
    if (!isCode(err, 'EXDEV')) throw err;
    await copyFile(src, dest);
    await unlink(src);
  }
  return dest;
}

export class FolderTransport implements GatewayTransport {
  readonly kind = 'folder' as const;
  readonly paths: { outbox: string; inbox: string; processed: string | null; failed: string; state: string };
  private readonly o: Required<
    Omit<FolderTransportOptions, 'logger' | 'outboxDir' | 'inboxDir' | 'processedDir' | 'failedDir' | 'stateDir'>
  >;
  private readonly log: GatewayLogger;
  private state: 'new' | 'running' | 'closing' | 'closed' = 'new';
  private handler?: MessageHandler;
  private receiving = false;
  private watcher?: FSWatcher;
  private pollTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private retryAt = 0;
  private scanning?: Promise<void>;
  private rescan = false;
  private readonly notBefore = new Map<string, number>();
  private readonly sendChains = new Map<string, Promise<void>>();
  private readonly inflightSends = new Set<Promise<void>>();
  private closePromise?: Promise<void>;
  /** Counters for health checks and tests. */
  readonly stats = { sent: 0, delivered: 0, processed: 0, retried: 0, failed: 0 };

  constructor(options: FolderTransportOptions) {
    this.paths = {
      outbox: options.outboxDir,
      inbox: options.inboxDir,
      processed: options.processedDir === null ? null : (options.processedDir ?? join(options.inboxDir, 'processed')),
      failed: options.failedDir ?? join(options.inboxDir, 'failed'),
      state: options.stateDir ?? join(options.inboxDir, '.attempts'),
    };
    this.o = {
      maxAttempts: options.maxAttempts ?? 5,
      retryDelayMs: options.retryDelayMs ?? 1000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      pollIntervalMs: options.pollIntervalMs ?? 2000,
      watch: options.watch ?? true,
      order: options.order ?? 'name',
      settleMs: options.settleMs ?? 0,
      fsync: options.fsync ?? true,
      closeTimeoutMs: options.closeTimeoutMs ?? 10_000,
    };
    this.log = options.logger ?? silentLogger;
    if (!Number.isInteger(this.o.maxAttempts) || this.o.maxAttempts < 1) throw new TypeError('maxAttempts must be ≥ 1');
    if (!(this.o.pollIntervalMs > 0)) throw new TypeError('pollIntervalMs must be > 0');
  }

  /** `<root>/outbox` and `<root>/inbox`, the E-Port client's layout. */
  static inRoot(root: string, options: Omit<FolderTransportOptions, 'outboxDir' | 'inboxDir'> = {}): FolderTransport {
    return new FolderTransport({ ...options, outboxDir: join(root, 'outbox'), inboxDir: join(root, 'inbox') });
  }

  private get isClosing(): boolean {
    return this.state === 'closing' || this.state === 'closed';
  }

  async start(): Promise<void> {
    if (this.isClosing) throw new GatewayClosedError();
    if (this.state === 'running') return;
    const dirs = [this.paths.outbox, this.paths.inbox, this.paths.failed, this.paths.state, this.paths.processed];
    for (const d of dirs) if (d) await mkdir(d, { recursive: true });
    if (this.isClosing) throw new GatewayClosedError('closed while starting');
    this.state = 'running';
    if (this.handler) this.beginReceiving();
  }

  onReceive(handler: MessageHandler): void {
    if (this.handler) throw new Error('onReceive: a handler is already registered');
    this.handler = handler;
    if (this.state === 'running') this.beginReceiving();
  }

  async send(envelope: OutboundEnvelope): Promise<void> {
    validateEnvelope(envelope);
    if (this.isClosing) throw new GatewayClosedError();
    if (this.state === 'new') throw new Error('FolderTransport.send: call start() first');
    // Sends of one id are serialised (they share the .tmp name); different ids run in parallel.
    const id = envelope.messageId;
    const previous = this.sendChains.get(id) ?? Promise.resolve();
    const p = previous.catch(() => {}).then(() => this.writeAtomically(id, envelope.body));
    this.sendChains.set(id, p);
    this.inflightSends.add(p);
    try {
      await p;
      this.stats.sent++;
    } finally {
      this.inflightSends.delete(p);
      if (this.sendChains.get(id) === p) this.sendChains.delete(id);
    }
  }

  close(): Promise<void> {
    this.closePromise ??= this.doClose();
    return this.closePromise;
  }

  // ---- sending ----

  private async writeAtomically(id: string, body: Buffer): Promise<void> {
    const tmp = join(this.paths.outbox, `${id}.xml.tmp`);
    const final = join(this.paths.outbox, `${id}.xml`);
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(body);
        if (this.o.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, final);
      if (this.o.fsync) {
        const dir = await open(this.paths.outbox, 'r');
        try {
          await dir.sync();
        } finally {
          await dir.close();
        }
      }
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw new GatewaySendError(`cannot write ${final}: ${errorMessage(err)}`, true, { cause: err });
    }
  }

  // ---- receiving ----

  private beginReceiving(): void {
    if (this.receiving) return;
    this.receiving = true;
    this.startWatcher();
    this.pollTimer = setInterval(() => {
      if (!this.watcher) this.startWatcher();
      this.kick();
    }, this.o.pollIntervalMs);
    this.kick();
  }

  private startWatcher(): void {
    if (!this.o.watch || this.watcher || this.state !== 'running') return;
    try {
      const w = watch(this.paths.inbox, () => this.kick());
      w.on('error', (err) => {
        this.log.warn({ err: errorMessage(err) }, 'gateway folder: fs.watch failed; polling only');
        w.close();
        if (this.watcher === w) this.watcher = undefined;
      });
      this.watcher = w;
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'gateway folder: fs.watch unavailable; polling only');
    }
  }

  /** Starts a scan, or asks the running one to scan again when it is done. */
  private kick(): void {
    if (this.state !== 'running' || !this.handler) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = (async () => {
      do {
        this.rescan = false;
        try {
          await this.scanOnce();
        } catch (err) {
          this.log.error({ err: errorMessage(err) }, 'gateway folder: inbox scan failed');
        }
      } while (this.rescan && this.state === 'running');
    })().finally(() => {
      this.scanning = undefined;
    });
  }

  private async listInbox(): Promise<string[]> {
    const entries = await readdir(this.paths.inbox, { withFileTypes: true });
    const names = entries
      .filter((e) => e.isFile() && !e.name.startsWith('.') && /\.xml$/i.test(e.name))
      .map((e) => e.name)
      .sort();
    if (this.o.order === 'name') return names;
    const withTimes = await Promise.all(
      names.map(async (name) => {
        try {
          return { name, mtime: (await stat(join(this.paths.inbox, name))).mtimeMs };
        } catch {
          return undefined;
        }
      }),
    );
    return withTimes
      .filter((x) => x !== undefined)
      .sort((a, b) => a.mtime - b.mtime || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((x) => x.name);
  }

  private async scanOnce(): Promise<void> {
    const names = await this.listInbox();
    const present = new Set(names);
    for (const name of this.notBefore.keys()) if (!present.has(name)) this.notBefore.delete(name);
    for (const name of names) {
      if (this.state !== 'running') return;
      const due = this.notBefore.get(name);
      if (due !== undefined && due > Date.now()) {
        this.armRetry(due); // head-of-line: later files wait for this one
        return;
      }
      if (this.o.settleMs > 0) {
        const s = await stat(join(this.paths.inbox, name)).catch(() => undefined);
        if (!s) continue;
        const settled = s.mtimeMs + this.o.settleMs;
        if (settled > Date.now()) {
          this.armRetry(settled);
          return;
        }
      }
      const outcome = await this.deliver(name);
      if (outcome === 'retry') return;
    }
  }

  private armRetry(at: number): void {
    if (this.retryTimer && this.retryAt <= at) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.kick();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private attemptsFile(name: string): string {
    return join(this.paths.state, `${name}.attempts`);
  }

  private async deliver(name: string): Promise<Outcome> {
    const handler = this.handler!;
    const path = join(this.paths.inbox, name);
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch (err) {
      if (isCode(err, 'ENOENT') || isCode(err, 'EISDIR')) {
        this.notBefore.delete(name);
        return 'gone';
      }
      return this.failed(name, await this.countAttempt(name), err);
    }
    const attempt = await this.countAttempt(name);
    this.stats.delivered++;
    try {
      await handler({ id: name.replace(/\.xml$/i, ''), body, receivedAt: new Date(), attempt });
    } catch (err) {
      return this.failed(name, attempt, err);
    }
    try {
      if (this.paths.processed) await moveNoClobber(path, this.paths.processed, name);
      else await unlink(path);
    } catch (err) {
      if (!isCode(err, 'ENOENT')) {
        this.log.error(
          { file: name, err: errorMessage(err) },
          'gateway folder: handled, but cannot move the file out of the inbox; it will be delivered again',
        );
        this.notBefore.set(name, Date.now() + this.o.maxRetryDelayMs);
        this.armRetry(Date.now() + this.o.maxRetryDelayMs);
        return 'retry';
      }
    }
    await unlink(this.attemptsFile(name)).catch(() => {});
    this.notBefore.delete(name);
    this.stats.processed++;
    return 'done';
  }

  /** Reads, increments and stores the attempt number before the handler runs (a crash counts as an attempt). */
  private async countAttempt(name: string): Promise<number> {
    const file = this.attemptsFile(name);
    const before = Number.parseInt(await readFile(file, 'utf8').catch(() => '0'), 10);
    const attempt = (Number.isFinite(before) && before > 0 ? before : 0) + 1;
    await writeFile(file, String(attempt)).catch((err) =>
      this.log.warn({ file: name, err: errorMessage(err) }, 'gateway folder: cannot store the attempt count'),
    );
    return attempt;
  }

  private async failed(name: string, attempt: number, err: unknown): Promise<Outcome> {
    const path = join(this.paths.inbox, name);
    if (attempt < this.o.maxAttempts) {
      const delay = backoffDelay(attempt, this.o.retryDelayMs, this.o.maxRetryDelayMs);
      this.log.warn(
        { file: name, attempt, maxAttempts: this.o.maxAttempts, delay, err: errorMessage(err) },
        'gateway folder: handler failed; the file will be retried',
      );
      this.notBefore.set(name, Date.now() + delay);
      this.armRetry(Date.now() + delay);
      this.stats.retried++;
      return 'retry';
    }
    try {
      const dest = await moveNoClobber(path, this.paths.failed, name);
      const report = { file: name, attempts: attempt, error: errorMessage(err), failedAt: new Date().toISOString() };
      await writeFile(`${dest.replace(/\.xml$/i, '')}.error.json`, `${JSON.stringify(report, null, 2)}\n`);
      this.log.error(
        { file: name, attempts: attempt, movedTo: dest, err: errorMessage(err) },
        'gateway folder: handler failed on the last attempt; moved to failed',
      );
    } catch (moveErr) {
      if (!isCode(moveErr, 'ENOENT')) {
        this.log.error({ file: name, err: errorMessage(moveErr) }, 'gateway folder: cannot move a failed file');
        this.notBefore.set(name, Date.now() + this.o.maxRetryDelayMs);
        this.armRetry(Date.now() + this.o.maxRetryDelayMs);
        return 'retry';
      }
    }
    await unlink(this.attemptsFile(name)).catch(() => {});
    this.notBefore.delete(name);
    this.stats.failed++;
    return 'failed';
  }

  // ---- closing ----

  private async doClose(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    this.watcher?.close();
    this.watcher = undefined;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pollTimer = undefined;
    this.retryTimer = undefined;
    if (this.scanning && !(await waitAtMost(this.scanning, this.o.closeTimeoutMs))) {
      this.log.warn({}, 'gateway folder: a handler is still running at close; its file stays in the inbox');
    }
    if (this.inflightSends.size > 0) {
      await waitAtMost(Promise.allSettled([...this.inflightSends]), this.o.closeTimeoutMs);
    }
    this.state = 'closed';
  }
}
