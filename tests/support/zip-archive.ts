/**
 * Unpacks a zip (a function's artifact, as `serverless package` writes it) into a folder, the way Lambda unpacks it
 * into /var/task: every file entry, stored or deflated, at its path. Read from the central directory, whose entries
 * give each file's method, sizes and local header.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export function unzipInto(zip: Buffer, folder: string): string[] {
  const names: string[] = [];
  const signature = Buffer.alloc(4);
  signature.writeUInt32LE(CENTRAL_ENTRY);
  for (let at = zip.indexOf(signature); at >= 0; at = zip.indexOf(signature, at + 46)) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (name.endsWith('/')) continue;
    const path = normalize(join(folder, name));
    if (!path.startsWith(folder + sep)) throw new Error(`zip entry outside the folder: ${name}`);
    if (zip.readUInt32LE(localHeader) !== LOCAL_HEADER) throw new Error(`no local header for ${name}`);
    const dataAt = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataAt, dataAt + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`${name}: compression method ${method} not supported`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, method === 0 ? data : inflateRawSync(data));
    names.push(name);
  }
  return names.sort();
}
