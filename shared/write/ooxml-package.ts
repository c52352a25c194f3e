/**
 * An .xlsx package opened for editing at the level of its parts: parts read into a DOM on demand and
 * written back on flush, relationships, content types, part names. No Node module: the writers built
 * on it run in the browser too.
 */
import { SaidError } from '../said-error';
import JSZip from 'jszip';
import { DOMParser, XMLSerializer, Document, Element } from '@xmldom/xmldom';

export const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
export const NS_CT = 'http://schemas.openxmlformats.org/package/2006/content-types';
export const REL = {
  officeDocument: `${NS_REL}/officeDocument`,
  worksheet: `${NS_REL}/worksheet`,
  styles: `${NS_REL}/styles`,
  table: `${NS_REL}/table`,
  drawing: `${NS_REL}/drawing`,
  chart: `${NS_REL}/chart`,
};
export const CT = {
  workbook: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  worksheet: 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml',
  styles: 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml',
  table: 'application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml',
  drawing: 'application/vnd.openxmlformats-officedocument.drawing+xml',
  chart: 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml',
};

/** A refusal the user can act on (a sheet name taken by their own sheet, a damaged part). */
export class WorkbookWriteError extends SaidError {}

export const parse = (xml: string, part: string): Document => {
  const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new WorkbookWriteError({ zh: `工作簿的 ${part} 部分已损坏，无法读取（${msg}）：请在 Excel 中另存为新的 .xlsx 后再试`, en: `${part} cannot be read: ${msg}` }); } }).parseFromString(xml, 'text/xml');
  return doc;
};
export const serialise = (doc: Document): string => new XMLSerializer().serializeToString(doc);
export const children = (el: Element, local: string): Element[] => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === local);
export const child = (el: Element, local: string): Element | undefined => children(el, local)[0];

/** Zip part paths are POSIX paths without a leading slash; written here so the writer needs no Node module. */
function dirname(part: string): string {
  const i = part.lastIndexOf('/');
  return i < 0 ? '' : part.slice(0, i);
}
function normalise(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

/** A part path relative to the folder of the part whose relationships name it. */
export function resolveTarget(fromPart: string, target: string): string {
  return target.startsWith('/') ? normalise(target) : normalise(`${dirname(fromPart)}/${target}`);
}
export function relsPathOf(part: string): string {
  const dir = dirname(part);
  return `${dir ? `${dir}/` : ''}_rels/${part.slice(dir ? dir.length + 1 : 0)}.rels`;
}
export function relativeTarget(fromPart: string, toPart: string): string {
  const from = dirname(fromPart).split('/').filter(Boolean);
  const to = toPart.split('/');
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  return [...from.slice(i).map(() => '..'), ...to.slice(i)].join('/');
}

export class Package {
  private readonly docs = new Map<string, Document>();
  constructor(readonly zip: JSZip) {}

  async doc(part: string): Promise<Document | null> {
    const cached = this.docs.get(part);
    if (cached) return cached;
    const f = this.zip.file(part);
    if (!f) return null;
    const doc = parse(await f.async('string'), part);
    this.docs.set(part, doc);
    return doc;
  }
  put(part: string, doc: Document): void {
    this.docs.set(part, doc);
  }
  has(part: string): boolean {
    return this.zip.file(part) !== null;
  }
  remove(part: string): void {
    this.zip.remove(part);
    this.docs.delete(part);
  }
  /** The relationships of a part, created empty when it has none. */
  async rels(part: string): Promise<Document> {
    const p = relsPathOf(part);
    const existing = await this.doc(p);
    if (existing) return existing;
    const doc = parse(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${NS_PKG_REL}"></Relationships>`, p);
    this.put(p, doc);
    return doc;
  }
  flush(): void {
    for (const [part, doc] of this.docs) this.zip.file(part, serialise(doc));
  }
  /** The first free `<prefix>N<suffix>` part name. */
  freeName(prefix: string, suffix: string): string {
    for (let n = 1; ; n++) {
      const p = `${prefix}${n}${suffix}`;
      if (!this.has(p) && !this.reserved.has(p)) {
        this.reserved.add(p);
        return p;
      }
    }
  }
  private readonly reserved = new Set<string>();
}

export function addRel(rels: Document, type: string, target: string): string {
  const root = rels.documentElement!;
  const ids = new Set(children(root, 'Relationship').map((r) => r.getAttribute('Id')));
  let n = ids.size + 1;
  while (ids.has(`rId${n}`)) n++;
  const rel = rels.createElementNS(NS_PKG_REL, 'Relationship');
  rel.setAttribute('Id', `rId${n}`);
  rel.setAttribute('Type', type);
  rel.setAttribute('Target', target);
  root.appendChild(rel);
  return `rId${n}`;
}

export function setOverride(types: Document, part: string, contentType: string | null): void {
  const root = types.documentElement!;
  for (const o of children(root, 'Override')) if (o.getAttribute('PartName') === `/${part}`) root.removeChild(o);
  if (contentType === null) return;
  const o = types.createElementNS(NS_CT, 'Override');
  o.setAttribute('PartName', `/${part}`);
  o.setAttribute('ContentType', contentType);
  root.appendChild(o);
}

