// Bytes to NFC text: UTF-8 (with or without BOM), UTF-16LE/BE with BOM (Excel "Unicode text"),
// Windows-1258 (Vietnamese with combining tone marks). Detected, or as the caller says.
export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258';
export const ENCODINGS: readonly Encoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1258'];

export class DecodeError extends Error {
  constructor(
    message: string,
    /** 'binary' when the bytes are not text at all, 'encoding' when they are text of another kind */
    readonly rule: 'binary' | 'encoding' = 'encoding',
  ) {
    super(message);
  }
}

export interface Decoded {
  text: string;
  encoding: Encoding;
  bom: boolean;
  /** the text was not NFC as written (NFD, or Windows-1258's combining tone marks) */
  normalized: boolean;
}

/**
 * Byte offset of the first byte that cannot be UTF-8, or -1. When `truncated` (a sample of a
 * longer file), a character cut off by the end of the sample is fine.
 */
export function invalidUtf8At(bytes: Uint8Array, truncated = false): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0;
      if (b === 0xed) max = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90;
      if (b === 0xf4) max = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return truncated ? -1 : i;
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [min, max] : [0x80, 0xbf];
      if (c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * Vietnamese letters with a tone written in UTF-8 are E1 BA xx / E1 BB xx. Windows-1258 text
 * never holds that run ("á" then "º" or "»"), so bytes that have it but are not valid UTF-8 are
 * a damaged UTF-8 file (or a concatenation of encodings), not Windows-1258.
 */
function looksLikeUtf8Vietnamese(bytes: Uint8Array): boolean {
  for (
    let i = bytes.indexOf(0xe1);
    i >= 0 && i + 2 < bytes.length;
    i = bytes.indexOf(0xe1, i + 1)
  ) {
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    if ((b1 === 0xba || b1 === 0xbb) && b2 >= 0x80 && b2 <= 0xbf) return true;
  }
  return false;
}

const lineAt = (bytes: Uint8Array, offset: number) => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
};

/** The encoding a byte order mark names, or null. */
export function bomOf(bytes: Uint8Array): Encoding | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * The encoding of a file from its bytes, or its first bytes when `truncated` (they may end
 * mid-character). A BOM decides; otherwise valid UTF-8 is UTF-8, and anything else is
 * Windows-1258 unless it is damaged UTF-8, which is reported rather than read as mojibake.
 */
export function detectEncoding(
  bytes: Uint8Array,
  truncated = false,
): { encoding: Encoding; bom: boolean } {
  const bom = bomOf(bytes);
  if (bom) return { encoding: bom, bom: true };
  const bad = invalidUtf8At(bytes, truncated);
  if (bad < 0) return { encoding: 'utf-8', bom: false };
  if (looksLikeUtf8Vietnamese(bytes)) {
    throw new DecodeError(
      `not valid UTF-8 at line ${lineAt(bytes, bad)} (byte 0x${bytes[bad].toString(16).toUpperCase()}), although the rest reads as UTF-8`,
    );
  }
  return { encoding: 'windows-1258', bom: false };
}

// C0 controls other than tab, newline, carriage return, and the C1 block (Windows-1258 maps its
// unassigned bytes there): no text file holds them
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Like the UTF-16 of ASCII: every other byte zero. */
function looksLikeUtf16WithoutBom(bytes: Uint8Array): Encoding | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  if (oddZero > n / 4 && evenZero === 0) return 'utf-16le';
  if (evenZero > n / 4 && oddZero === 0) return 'utf-16be';
  return null;
}

/** Refuses bytes that are not text: NUL or other control characters. */
export function checkText(text: string, bytes: Uint8Array): void {
  const m = CONTROL.exec(text);
  if (m === null) return;
  const utf16 = looksLikeUtf16WithoutBom(bytes);
  const hint = utf16
    ? `; if it is ${utf16.toUpperCase()} without a BOM, give --encoding ${utf16}`
    : '';
  throw new DecodeError(
    `the file is binary, not text (control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at character ${m.index + 1})${hint}`,
    'binary',
  );
}

export function decode(bytes: Uint8Array, encoding?: Encoding): Decoded {
  const chosen = encoding ?? detectEncoding(bytes).encoding;
  let text: string;
  try {
    // the BOM is dropped by the decoder when it matches the encoding
    text = new TextDecoder(chosen, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DecodeError(`not valid ${chosen} text`);
  }
  const bom = bomOf(bytes) === chosen;
  checkText(text, bytes);
  const nfc = text.normalize('NFC');
  return { text: nfc, encoding: chosen, bom, normalized: nfc !== text };
}
