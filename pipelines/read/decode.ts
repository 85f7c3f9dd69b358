// Bytes to NFC text: UTF-8 (with or without BOM), UTF-16LE/BE with BOM (Excel "Unicode text"),
// Windows-1258 (Vietnamese with combining tone marks). Detected, or as the caller says.
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258';
export const ENCODINGS: readonly Encoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1258'];

export class DecodeError extends Error {}

export interface Decoded {
  text: string;
  encoding: Encoding;
  bom: boolean;
}

export function detectEncoding(bytes: Uint8Array): { encoding: Encoding; bom: boolean } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { encoding: 'utf-8', bom: true };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { encoding: 'utf-8', bom: false };
  } catch {
    return { encoding: 'windows-1258', bom: false };
  }
}

export function decode(bytes: Uint8Array, encoding?: Encoding): Decoded {
  const detected = detectEncoding(bytes);
  const chosen = encoding ?? detected.encoding;
  const bom = detected.bom && detected.encoding === chosen;
  let text: string;
  try {
    text = new TextDecoder(chosen, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DecodeError(`not valid ${chosen} text`);
  }
  if (text.includes('\u0000')) throw new DecodeError('binary content (NUL bytes)');
  return { text: text.normalize('NFC'), encoding: chosen, bom };
}
