/**
 * Writes .xlsx packages part by part, as other programs lay them out (namespace prefixes, inline
 * strings, no cell references, single quotes, 1904 dates) and as hostile files do (sheet-wide
 * validations, 100,000 merges, whole-column styles) — things exceljs would not write for a test.
 */
import { zipSync, strToU8 } from 'fflate';
import { Cell, columnLetter } from '../../shared/workbook';

export interface RawSheet {
  name: string;
  rows: (Cell | undefined)[][];
  hidden?: boolean;
  /** XML placed after sheetData (mergeCells, dataValidations, conditionalFormatting …). */
  after?: string;
  /** XML placed before sheetData (dimension, cols …). */
  before?: string;
  /** Rows as raw XML instead of `rows` (for sheets too big to build as cells). */
  rawRows?: () => string;
}

export interface RawOptions {
  /** Namespace prefix of the sheet's main namespace (`x:` as some .NET writers use). */
  prefix?: string;
  strings?: 'shared' | 'inline' | 'str';
  omitRefs?: boolean;
  quote?: '"' | "'";
  date1904?: boolean;
  definedNames?: { name: string; ref: string; hidden?: boolean }[];
  /** Extra parts, e.g. xl/vbaProject.bin. */
  extra?: Record<string, Uint8Array>;
  contentTypes?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export function rawXlsx(sheets: RawSheet[], o: RawOptions = {}): Uint8Array {
  const p = o.prefix ?? '';
  const q = o.quote ?? '"';
  const a = (name: string, v: string | number) => ` ${name}=${q}${esc(String(v))}${q}`;
  const sst: string[] = [];
  const sstIndex = new Map<string, number>();
  const nsDecl = p ? ` xmlns:${p.slice(0, -1)}="${MAIN}"` : ` xmlns="${MAIN}"`;
  const files: Record<string, Uint8Array> = {};
  sheets.forEach((sheet, i) => {
    let body = '';
    if (sheet.rawRows) body = sheet.rawRows();
    else Array.from(sheet.rows).forEach((row, r) => {
      if (!row || row.every((c) => c === null || c === undefined)) {
        if (o.omitRefs) body += `<${p}row/>`; // without references an empty row keeps its place only so
        return;
      }
      body += `<${p}row${o.omitRefs ? '' : a('r', r + 1)}>`;
      row.forEach((c, j) => {
        const ref = o.omitRefs ? '' : a('r', `${columnLetter(j + 1)}${r + 1}`);
        if (c === null || c === undefined) {
          if (o.omitRefs) body += `<${p}c/>`; // keeps the position when references are left out
          return;
        }
        if (typeof c === 'number') body += `<${p}c${ref}><${p}v>${c}</${p}v></${p}c>`;
        else if (typeof c === 'boolean') body += `<${p}c${ref}${a('t', 'b')}><${p}v>${c ? 1 : 0}</${p}v></${p}c>`;
        else if (typeof c === 'string') {
          const mode = o.strings ?? 'shared';
          if (mode === 'inline') body += `<${p}c${ref}${a('t', 'inlineStr')}><${p}is><${p}t xml:space="preserve">${esc(c)}</${p}t></${p}is></${p}c>`;
          else if (mode === 'str') body += `<${p}c${ref}${a('t', 'str')}><${p}f>"x"</${p}f><${p}v>${esc(c)}</${p}v></${p}c>`;
          else {
            let k = sstIndex.get(c);
            if (k === undefined) { k = sst.length; sst.push(c); sstIndex.set(c, k); }
            body += `<${p}c${ref}${a('t', 's')}><${p}v>${k}</${p}v></${p}c>`;
          }
        } else if (c.kind === 'date') body += `<${p}c${ref}${a('s', 1)}><${p}v>${c.serial - (o.date1904 ? 1462 : 0)}</${p}v></${p}c>`;
        else body += `<${p}c${ref}${a('t', 'e')}><${p}v>${esc(c.text)}</${p}v></${p}c>`;
      });
      body += `</${p}row>`;
    });
    files[`xl/worksheets/sheet${i + 1}.xml`] = strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${p}worksheet${nsDecl} xmlns:r="${REL}">${sheet.before ?? ''}<${p}sheetData>${body}</${p}sheetData>${sheet.after ?? ''}</${p}worksheet>`);
  });
  const sheetTags = sheets.map((s, i) => `<${p}sheet${a('name', s.name)}${a('sheetId', i + 1)}${s.hidden ? a('state', 'hidden') : ''} r:id=${q}rId${i + 1}${q}/>`).join('');
  const names = (o.definedNames ?? []).map((n) => `<${p}definedName${a('name', n.name)}${n.hidden ? a('hidden', 1) : ''}>${esc(n.ref)}</${p}definedName>`).join('');
  files['xl/workbook.xml'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><${p}workbook${nsDecl} xmlns:r="${REL}"><${p}workbookPr${o.date1904 ? a('date1904', 1) : ''}/><${p}sheets>${sheetTags}</${p}sheets>${names ? `<${p}definedNames>${names}</${p}definedNames>` : ''}</${p}workbook>`);
  files['xl/_rels/workbook.xml.rels'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_s, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rIdT" Type="${REL}/styles" Target="/xl/styles.xml"/></Relationships>`);
  files['xl/sharedStrings.xml'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><${p}sst${nsDecl} count="${sst.length}" uniqueCount="${sst.length}">${sst.map((s) => `<${p}si><${p}t xml:space="preserve">${esc(s)}</${p}t></${p}si>`).join('')}</${p}sst>`);
  files['xl/styles.xml'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><${p}styleSheet${nsDecl}><${p}numFmts count="1"><${p}numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></${p}numFmts><${p}cellXfs count="3"><${p}xf numFmtId="0"/><${p}xf numFmtId="14" applyNumberFormat="1"/><${p}xf numFmtId="164" applyNumberFormat="1"/></${p}cellXfs></${p}styleSheet>`);
  files['_rels/.rels'] = strToU8(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  files['[Content_Types].xml'] = strToU8(o.contentTypes ?? `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets.map((_s, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`);
  Object.assign(files, o.extra ?? {});
  return zipSync(files, { level: 6 });
}
