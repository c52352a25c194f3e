/**
 * The task pane's settings written into an .xlsx as Office keeps them: a webextension part of the
 * add-in with one property per setting (its value JSON text), listed in taskpanes.xml. Excel hands
 * them to the pane when the workbook is opened with the add-in, and the CLI reads them (corrections
 * saved in the web workbench travel with the workbook like those saved in the pane).
 */
import { Package, WorkbookWriteError, addRel, child, children, parse, relativeTarget, setOverride } from './ooxml-package';
import JSZip from 'jszip';

/** manifest.xml's <Id>: Office matches a workbook's webextension part to the add-in by it. */
export const ADDIN_ID = '6f1c9a8e-3d1b-4c5e-9a47-2b8d0f6e1c53';

const NS_WE = 'http://schemas.microsoft.com/office/webextensions/webextension/2010/11';
const NS_WETP = 'http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11';
const NS_R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_TASKPANES = 'http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes';
const REL_WEBEXTENSION = 'http://schemas.microsoft.com/office/2011/relationships/webextension';
const CT_TASKPANES = 'application/vnd.ms-office.webextensiontaskpanes+xml';
const CT_WEBEXTENSION = 'application/vnd.ms-office.webextension+xml';
const TASKPANES = 'xl/webextensions/taskpanes.xml';
const OWN = 'ledger-sync.';

const xmlDecl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** The input .xlsx/.xlsm with its ledger-sync settings replaced by `settings`; every other part as it was. */
export async function withPaneSettings(input: Uint8Array, settings: Readonly<Record<string, unknown>>): Promise<Uint8Array> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(input);
  } catch {
    throw new WorkbookWriteError({ zh: '该文件不是可读的 .xlsx 工作簿：请在 Excel 中另存为 .xlsx 后再试', en: 'the workbook is not a readable .xlsx file' });
  }
  const pkg = new Package(zip);
  let part = await ownPart(pkg);
  if (!part) part = await addPart(pkg);
  const doc = (await pkg.doc(part))!;
  const root = doc.documentElement!;
  let props = child(root, 'properties');
  if (!props) {
    props = doc.createElementNS(NS_WE, 'we:properties');
    root.appendChild(props);
  }
  for (const p of children(props, 'property')) if ((p.getAttribute('name') ?? '').startsWith(OWN)) props.removeChild(p);
  for (const [name, value] of Object.entries(settings)) {
    const p = doc.createElementNS(NS_WE, 'we:property');
    p.setAttribute('name', name);
    p.setAttribute('value', JSON.stringify(value));
    props.appendChild(p);
  }
  pkg.flush();
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

/** The add-in's own webextension part: the one referring to its id, or already holding its settings. */
async function ownPart(pkg: Package): Promise<string | null> {
  for (const name of Object.keys(pkg.zip.files).filter((n) => /^xl\/webextensions\/webextension\d*\.xml$/i.test(n))) {
    const doc = await pkg.doc(name);
    const root = doc?.documentElement;
    if (!root) continue;
    const ref = child(root, 'reference');
    const ours = (ref?.getAttribute('id') ?? '').toLowerCase() === ADDIN_ID;
    const props = child(root, 'properties');
    if (ours || (props && children(props, 'property').some((p) => (p.getAttribute('name') ?? '').startsWith(OWN)))) return name;
  }
  return null;
}

async function addPart(pkg: Package): Promise<string> {
  const part = pkg.freeName('xl/webextensions/webextension', '.xml');
  pkg.put(part, parse(`${xmlDecl}<we:webextension xmlns:we="${NS_WE}" id="{${ADDIN_ID.toUpperCase()}}"><we:reference id="${ADDIN_ID}" version="1.0.0.0" store="" storeType="Registry"/><we:alternateReferences/><we:properties/><we:bindings/><we:snapshot/></we:webextension>`, part));
  const types = (await pkg.doc('[Content_Types].xml'))!;
  setOverride(types, part, CT_WEBEXTENSION);
  let panes = await pkg.doc(TASKPANES);
  if (!panes) {
    panes = parse(`${xmlDecl}<wetp:taskpanes xmlns:wetp="${NS_WETP}"/>`, TASKPANES);
    pkg.put(TASKPANES, panes);
    setOverride(types, TASKPANES, CT_TASKPANES);
    const rootRels = await pkg.doc('_rels/.rels');
    if (!rootRels) throw new WorkbookWriteError({ zh: '该文件缺少包关系部分，不是完整的 .xlsx：请在 Excel 中另存为 .xlsx 后再试', en: 'the workbook has no package relationships' });
    addRel(rootRels, REL_TASKPANES, TASKPANES);
  }
  const id = addRel(await pkg.rels(TASKPANES), REL_WEBEXTENSION, relativeTarget(TASKPANES, part));
  // Closed (visibility 0): the workbook opens as before; the pane finds its settings when it is opened.
  const pane = panes.createElementNS(NS_WETP, 'wetp:taskpane');
  for (const [k, v] of [['dockstate', 'right'], ['visibility', '0'], ['width', '350'], ['row', '4']] as const) pane.setAttribute(k, v);
  const ref = panes.createElementNS(NS_WETP, 'wetp:webextensionref');
  ref.setAttributeNS(NS_R, 'r:id', id);
  pane.appendChild(ref);
  panes.documentElement!.appendChild(pane);
  return part;
}

