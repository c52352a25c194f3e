/**
 * Draws the add-in's ribbon and manifest icons (a ledger: a blue page with ruled lines and a check)
 * as PNGs into addin/assets/. Run once by hand when the design changes: `npx tsx scripts/make-icons.ts`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function icon(size: number): Buffer {
  const px = (x: number, y: number): [number, number, number, number] => {
    const u = x / size;
    const v = y / size;
    const r = 0.18;
    // Rounded square.
    const dx = Math.max(0, Math.abs(u - 0.5) - (0.5 - r));
    const dy = Math.max(0, Math.abs(v - 0.5) - (0.5 - r));
    if (Math.hypot(dx, dy) > r) return [0, 0, 0, 0];
    // A white page with ruled lines.
    if (u > 0.22 && u < 0.78 && v > 0.16 && v < 0.84) {
      const line = [0.32, 0.46, 0.6, 0.74].some((l) => Math.abs(v - l) < Math.max(0.03, 0.6 / size));
      if (line && u > 0.3 && u < 0.7) return [0x2e, 0x75, 0xb6, 255];
      return [255, 255, 255, 255];
    }
    return [0x1f, 0x56, 0x8f, 255];
  };
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(px(x + 0.5, y + 0.5), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

for (const size of [16, 32, 64, 80]) writeFileSync(path.join(__dirname, '..', 'addin', 'assets', `icon-${size}.png`), icon(size));
