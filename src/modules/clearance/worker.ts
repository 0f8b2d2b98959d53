/**
 * The background loop: every interval, and soon after each intake, decide due lists until none is left, then sweep
 * (timeouts, late returns). A failed round (the database is down) is retried after a growing back-off.
 */
import { Backoff, isDatabaseUnavailable } from '../../platform/db/outage.js';
import { decideDueLists } from './actions/decide-lists.js';
import { rejectOverdue } from './actions/reject-overdue.js';
import type { ClearanceContext } from './context.js';

export class ClearanceWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private kicked = false;
  private tablesCheckedAt = 0;
  /** Rounds that failed (the database is down): the worker waits longer before each next one. */
  private readonly backoff = new Backoff();

  constructor(private readonly ctx: ClearanceContext) {}

  /** Starts deciding in the background (every `intervalMs`, and soon after each intake). */
  start(intervalMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  kick(): void {
    if (!this.timer || !this.backoff.ready()) return;
    if (this.running) {
      this.kicked = true;
      return;
    }
    this.running = (async () => {
      try {
        if (Date.now() - this.tablesCheckedAt > 5_000) {
          this.tablesCheckedAt = Date.now();
          await this.ctx.tables.refreshIfChanged?.();
        }
        do {
          this.kicked = false;
          while ((await decideDueLists(this.ctx)) > 0) {}
          await rejectOverdue(this.ctx);
        } while (this.kicked);
        this.backoff.succeeded();
      } catch (e) {
        // a failed batch is retried after a back-off: its transaction rolled back, nothing was lost
        const retryInMs = this.backoff.failed();
        if (isDatabaseUnavailable(e)) {
          this.ctx.opts.log?.warn?.(
            { err: String((e as Error)?.message ?? e), retryInMs },
            'clearance worker: database unavailable',
          );
        } else {
          this.ctx.opts.log?.error(
            { err: String((e as Error)?.stack ?? e), retryInMs },
            'clearance worker: batch failed, retried',
          );
        }
      } finally {
        this.running = null;
      }
    })();
  }

  /** Decides until nothing is due (tests and the CLI; the worker does the same in the background). */
  async drain(): Promise<void> {
    while ((await decideDueLists(this.ctx)) > 0) {}
    await rejectOverdue(this.ctx);
  }
}
