/**
 * Offline checks of the add-in manifest: Microsoft's `office-addin-manifest validate` needs its
 * online service, so the required elements, their order, the URLs (HTTPS, one origin), resource ids
 * and icon files are checked here. Also: the manifest for another origin (production).
 */
import { existsSync } from 'node:fs';
import { UsageError } from './args';
import path from 'node:path';
import { DOMParser, Document, Element } from '@xmldom/xmldom';

const TOP_ORDER = ['Id', 'AlternateId', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl', 'HighResolutionIconUrl', 'SupportUrl', 'AppDomains', 'Hosts', 'Requirements', 'DefaultSettings', 'Permissions', 'VersionOverrides'];
const REQUIRED = ['Id', 'Version', 'ProviderName', 'DefaultLocale', 'DisplayName', 'Description', 'IconUrl', 'HighResolutionIconUrl', 'SupportUrl', 'Hosts', 'DefaultSettings', 'Permissions', 'VersionOverrides'];

const elements = (el: Element | Document): Element[] => Array.from(el.getElementsByTagName('*')) as Element[];
const kids = (el: Element) => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);

/** Problems found, each one line; none means the manifest passes. */
export function checkManifest(xml: string, assetsDir?: string): string[] {
  const problems: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml');
  } catch (e) {
    return [`not well-formed XML: ${(e as Error).message.split('\n')[0]}`];
  }
  const root = doc.documentElement as unknown as Element;
  if (root.localName !== 'OfficeApp') return [`the root element is ${root.localName}, not OfficeApp`];
  if (root.getAttribute('xsi:type') !== 'TaskPaneApp') problems.push('OfficeApp xsi:type must be TaskPaneApp');
  const top = kids(root).map((e) => e.localName!);
  for (const r of REQUIRED) if (!top.includes(r)) problems.push(`missing <${r}>`);
  const order = top.filter((t) => TOP_ORDER.includes(t)).map((t) => TOP_ORDER.indexOf(t));
  if (order.some((v, i) => i > 0 && v < order[i - 1]!)) problems.push(`elements out of the schema's order: ${top.join(', ')}`);
  const text = (name: string) => kids(root).find((e) => e.localName === name)?.textContent?.trim() ?? '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text('Id'))) problems.push(`<Id> must be a GUID, got "${text('Id')}"`);
  if (!/^\d+(\.\d+){0,3}$/.test(text('Version'))) problems.push(`<Version> must be n.n.n.n, got "${text('Version')}"`);
  if (text('Permissions') !== 'ReadWriteDocument') problems.push(`<Permissions> must be ReadWriteDocument (the pane writes sheets), got "${text('Permissions')}"`);
  const hosts = elements(kids(root).find((e) => e.localName === 'Hosts') ?? root).filter((e) => e.localName === 'Host').map((e) => e.getAttribute('Name'));
  if (!hosts.includes('Workbook')) problems.push('<Hosts> must name Workbook');

  const source = elements(root).find((e) => e.localName === 'SourceLocation')?.getAttribute('DefaultValue') ?? '';
  let origin = '';
  try {
    origin = new URL(source).origin;
  } catch {
    problems.push(`<SourceLocation> is not a URL: "${source}"`);
  }
  if (origin && !source.startsWith('https://')) problems.push(`<SourceLocation> must be HTTPS (Excel loads add-ins only over HTTPS): ${source}`);
  if (origin && !source.endsWith('/addin/taskpane.html')) problems.push(`<SourceLocation> must be the service's /addin/taskpane.html, got ${source}`);

  // Every URL on the one origin, over HTTPS.
  const urls: [string, string][] = [];
  for (const e of elements(root)) {
    const v = e.getAttribute('DefaultValue');
    if (v && /^[a-z]+:\/\//i.test(v)) urls.push([e.localName!, v]);
    if (e.localName === 'AppDomain') urls.push(['AppDomain', e.textContent?.trim() ?? '']);
  }
  for (const [where, u] of urls) {
    if (!u.startsWith('https://')) problems.push(`<${where}> must be HTTPS: ${u}`);
    else if (origin && new URL(u).origin !== origin) problems.push(`<${where}> is on ${new URL(u).origin}, not the service's origin ${origin}`);
  }

  // Resource ids: each reference defined, each definition unique.
  const defined = new Map<string, number>();
  const resources = elements(root).find((e) => e.localName === 'Resources');
  for (const e of resources ? elements(resources) : []) {
    const id = e.getAttribute('id');
    if (id && ['Image', 'Url', 'String'].includes(e.localName!)) defined.set(id, (defined.get(id) ?? 0) + 1);
  }
  for (const [id, n] of defined) if (n > 1) problems.push(`resource id "${id}" is defined ${n} times`);
  for (const e of elements(root)) {
    const resid = e.getAttribute('resid');
    if (resid && !defined.has(resid)) problems.push(`<${e.localName}> refers to resid "${resid}", which <Resources> does not define`);
  }
  const home = elements(root).find((e) => e.localName === 'OfficeTab' && e.getAttribute('id') === 'TabHome');
  const button = home && elements(home).find((e) => e.localName === 'Control' && e.getAttribute('xsi:type') === 'Button');
  const action = button && elements(button).find((e) => e.localName === 'Action');
  if (!home) problems.push('no group on the Home tab (<OfficeTab id="TabHome">)');
  else if (!button || action?.getAttribute('xsi:type') !== 'ShowTaskpane') problems.push('the Home tab group needs a Button whose Action is ShowTaskpane');

  if (assetsDir) {
    for (const [, u] of urls) {
      const m = /\/addin\/assets\/([^/?#]+)$/.exec(u);
      if (m && !existsSync(path.join(assetsDir, m[1]!))) problems.push(`${u}: no file ${m[1]} in ${assetsDir}`);
    }
  }
  return problems;
}

/** The manifest with every URL moved to another origin (production: the service's HTTPS host). */
export function manifestForOrigin(xml: string, origin: string): string {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    throw new UsageError({ zh: `--origin 应为 https:// 开头的服务器地址，而不是“${origin}”`, en: `--origin must be an https:// address, got "${origin}"` });
  }
  if (u.protocol !== 'https:') throw new UsageError({ zh: `--origin 必须是 HTTPS 地址（Excel 只通过 HTTPS 加载加载项），而不是“${origin}”`, en: `the origin must be HTTPS (Excel loads add-ins only over HTTPS), got ${origin}` });
  return xml.replace(/https:\/\/localhost:3000/g, u.origin);
}
