import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type ParseOutcome, parseDeclaration } from './parse.js';

type Pending = { resolve(o: ParseOutcome): void; reject(e: Error): void };

/**
 * Parses declarations (XML parsing, schema checks, DxpMsg unwrapping) on worker threads so that a large message
 * never blocks the event loop. Small bodies are parsed inline: a thread hop costs more than they do.
 */
export class ParsePool {
  private readonly workers: { w: Worker; ids: Set<number> }[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private closed = false;

  constructor(
    size = Math.max(1, availableParallelism() - 1),
    private readonly inlineBelow = 16 * 1024,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  private spawn(): void {
    // execArgv [] : the worker registers its own loader (inheriting a parent loader as well can deadlock).
    const w = new Worker(new URL('./parse-worker.mjs', import.meta.url), { execArgv: [] });
    const slot = { w, ids: new Set<number>() };
    w.on('message', (m: { id: number; outcome?: ParseOutcome; error?: string }) => {
      slot.ids.delete(m.id);
      if (slot.ids.size === 0) w.unref(); // an idle worker does not keep the process alive
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.outcome) {
        // Buffers come back as plain Uint8Arrays from the structured clone.
        if (m.outcome.ok && m.outcome.parsed.xml) m.outcome.parsed.xml = Buffer.from(m.outcome.parsed.xml);
        p.resolve(m.outcome);
      } else p.reject(new Error(m.error ?? 'parse worker failed'));
    });
    w.on('error', (e) => {
      // A crashed worker fails its own requests only; a new one takes its place.
      for (const id of slot.ids) {
        this.pending.get(id)?.reject(e);
        this.pending.delete(id);
      }
      const i = this.workers.indexOf(slot);
      if (i >= 0) this.workers.splice(i, 1);
      if (!this.closed) this.spawn();
    });
    w.unref();
    this.workers.push(slot);
  }

  async parse(body: Buffer | unknown, contentType: 'xml' | 'json'): Promise<ParseOutcome> {
    const size = Buffer.isBuffer(body) ? body.length : 0;
    if (this.closed || this.workers.length === 0 || contentType === 'json' || size < this.inlineBelow) {
      return parseDeclaration(body, contentType);
    }
    const slot = this.workers.reduce((a, b) => (b.ids.size < a.ids.size ? b : a));
    const id = this.next++;
    slot.ids.add(id);
    slot.w.ref();
    const copy = new Uint8Array(body as Buffer); // a copy we can transfer (Fastify's buffer may be pooled)
    return new Promise<ParseOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.w.postMessage({ id, body: copy, contentType }, [copy.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((s) => s.w.terminate()));
    this.workers.length = 0;
    for (const p of this.pending.values()) p.reject(new Error('parse pool closed'));
    this.pending.clear();
  }
}
