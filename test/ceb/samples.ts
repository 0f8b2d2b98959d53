/** The 39 official 2022-05 sample messages (vendor/ceb/samples-202205), read as raw bytes. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const VENDOR_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../vendor/ceb');

export interface Sample {
  name: string;
  file: string;
  bytes: Buffer;
}

export const SAMPLES: Sample[] = ['import', 'export'].flatMap((dir) =>
  readdirSync(path.join(VENDOR_DIR, 'samples-202205', dir))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => {
      const file = path.join(VENDOR_DIR, 'samples-202205', dir, f);
      return { name: `${dir}/${f}`, file, bytes: readFileSync(file) };
    }),
);

export function sample(name: string): Buffer {
  const found = SAMPLES.find((s) => s.name.endsWith(`/${name}.xml`));
  if (!found) throw new Error(`no sample ${name}`);
  return found.bytes;
}
