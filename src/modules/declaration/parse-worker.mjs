// Worker thread that parses declarations off the event loop. Plain JS so that it starts under any loader (node,
// tsx, vitest): it registers tsx itself, then loads the TypeScript parser.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { parseDeclaration } = await import('./parse.ts');

parentPort.on('message', ({ id, body, contentType }) => {
  try {
    const outcome = parseDeclaration(contentType === 'json' ? body : Buffer.from(body), contentType);
    parentPort.postMessage({ id, outcome });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.stack ?? e) });
  }
});
