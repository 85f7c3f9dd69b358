// Workbooks built byte by byte for the limit tests: a minimal valid .xlsx, and the cell bomb the
// red team sent (millions of tiny cells that deflate ~11:1), streamed so the test never holds the
// inflated sheet. Sizes in the central directory may be made to lie, as an attacker's would.
import { createDeflateRaw, crc32 } from 'node:zlib';

export interface ZipPart {
  name: string;
  /** the entry's bytes, deflated here; or pieces streamed through one deflate */
  data: Buffer | Iterable<string>;
  /** the uncompressed size written in the headers; the true size unless given */
  declaredSize?: number;
}

async function deflate(data: Buffer | Iterable<string>) {
  const z = createDeflateRaw({ level: 1 });
  const out: Buffer[] = [];
  z.on('data', (b: Buffer) => out.push(b));
  const ended = new Promise<void>((resolve, reject) => {
    z.on('end', resolve);
    z.on('error', reject);
  });
  let size = 0;
  let crc = 0;
  const pieces = Buffer.isBuffer(data) ? [data] : data;
  for (const piece of pieces) {
    const b = typeof piece === 'string' ? Buffer.from(piece) : piece;
    size += b.length;
    crc = crc32(b, crc);
    if (!z.write(b)) await new Promise((resolve) => z.once('drain', resolve));
  }
  z.end();
  await ended;
  return { compressed: Buffer.concat(out), size, crc };
}

/** A zip of deflated entries, with a central directory and no data descriptors. */
export async function zip(parts: ZipPart[]): Promise<Buffer> {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const { compressed, size, crc } = await deflate(part.data);
    const declared = part.declaredSize ?? size;
    const name = Buffer.from(part.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc >>> 0, 16);
    entry.writeUInt32LE(compressed.length, 20);
    entry.writeUInt32LE(declared, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    central.push(entry, name);
    offset += local.length + name.length + compressed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const FRAME: ZipPart[] = [
  {
    name: '[Content_Types].xml',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
        '</Types>',
    ),
  },
  {
    name: '_rels/.rels',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>' +
        '</Relationships>',
    ),
  },
  {
    name: 'xl/workbook.xml',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
  },
  {
    name: 'xl/_rels/workbook.xml.rels',
    data: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
        '</Relationships>',
    ),
  },
];

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';

/** The sheet XML of `rows` × `columns` numeric cells, in pieces of one row. */
export function* sheetXml(rows: number, columns: number, cell = '<c><v>1234567</v></c>') {
  yield SHEET_HEAD;
  const body = cell.repeat(columns);
  for (let r = 1; r <= rows; r++) yield `<row r="${r}">${body}</row>`;
  yield SHEET_TAIL;
}

/** A workbook of one sheet whose XML is `sheet` (pieces), sizes declared as given. */
export const workbook = (sheet: Iterable<string>, declaredSize?: number) =>
  zip([
    ...FRAME,
    { name: 'xl/worksheets/sheet1.xml', data: sheet, ...(declaredSize ? { declaredSize } : {}) },
  ]);

/** The same zip with entry `name`'s uncompressed size declared as `size` (a lie, as a bomb's). */
export function declareSize(zipped: Buffer, name: string, size: number): Buffer {
  const out = Buffer.from(zipped);
  const end = out.length - 22;
  const count = out.readUInt16LE(end + 10);
  for (let i = 0, at = out.readUInt32LE(end + 16); i < count; i++) {
    const nameLength = out.readUInt16LE(at + 28);
    if (out.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      out.writeUInt32LE(size, at + 24);
      out.writeUInt32LE(size, out.readUInt32LE(at + 42) + 22);
    }
    at += 46 + nameLength + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}
