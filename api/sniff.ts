/** The media types evidence may have, recognised by their first bytes, not by their name. */
const signatures: { type: string; test: (head: Buffer) => boolean }[] = [
  {
    type: 'image/jpeg',
    test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    type: 'image/png',
    test: (b) =>
      b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    type: 'image/webp',
    test: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
  { type: 'application/pdf', test: (b) => b.toString('latin1', 0, 5) === '%PDF-' },
];

export const acceptedMediaTypes = signatures.map((s) => s.type);

export function sniffMediaType(content: Buffer): string | null {
  return signatures.find((s) => s.test(content))?.type ?? null;
}
