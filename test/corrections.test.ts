/** layouts.md "Corrections the user made": the pane's, stored in the workbook, and --map FILE, in the CLI. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { withPaneSettings } from '../shared/write/pane-settings';
import { mapOfCorrections, settingsOfCorrections } from '../shared/corrections';
import { cli } from './support/cli';
import { tmpDir } from './support/xlsx';
import { rawXlsx } from './support/raw-xlsx';

const ROWS = [['合同编号', '采购日期', '品名', '数量', '单价', '金额', '采购方式', '备用日期'], ['HT-1', '2024-03-01', '打印机', 2, 3000, 6000, '询价', '2024-02-01']];

/** The pane's settings as Office keeps them in the .xlsx: an add-in part with JSON-valued properties. */
function webextension(props: Record<string, unknown>): Uint8Array {
  const p = Object.entries(props).map(([k, v]) => `<we:property name="${k}" value="${JSON.stringify(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`).join('');
  return strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" id="{6F1C9A8E-3D1B-4C5E-9A47-2B8D0F6E1C53}"><we:reference id="6f1c9a8e-3d1b-4c5e-9a47-2b8d0f6e1c53" version="1.0.0.0" store="\\\\server\\addins" storeType="FileSystem"/><we:alternateReferences/><we:properties>${p}</we:properties><we:bindings/><we:snapshot/></we:webextension>`);
}

describe('corrections in the CLI: the ones the pane saved, and --map', function () {
  this.timeout(30_000);
  const dir = tmpDir();
  const plain = path.join(dir, 'plain.xlsx');
  const saved = path.join(dir, 'saved.xlsx');
  before(() => {
    writeFileSync(plain, rawXlsx([{ name: '合同台账', rows: ROWS }]));
    writeFileSync(saved, rawXlsx([{ name: '合同台账', rows: ROWS }, { name: '旧表', rows: [['x']] }], {
      extra: { 'xl/webextensions/webextension1.xml': webextension({ 'ledger-sync.kinds': { 合同台账: 'purchase', 已删除的表: 'plan' }, 'ledger-sync.columns': { 合同台账: { item_name: 'C', date: 'H' } }, 'other-addin.x': 1 }) },
    }));
  });
  const json = async (...args: string[]) => JSON.parse((await cli('check', ...args, '--json', '--as-of', '2024-06')).out);

  it('without corrections the sheet is not read (V10: 品名 is no synonym)', async () => {
    assert.deepEqual((await json(plain)).findings.map((f: { code: string }) => f.code), ['V10']);
  });

  it('the workbook\'s own corrections are applied as the pane applies them (a stale one passed over)', async () => {
    const j = await json(saved);
    assert.deepEqual(j.sheets.map((s: { sheet: string; kind: string; mapping: Record<string, string> }) => [s.sheet, s.kind, s.mapping.item_name, s.mapping.date]), [['合同台账', 'purchase', 'C', 'H']]);
    assert.deepEqual(j.findings.filter((f: { severity: string }) => f.severity === 'error'), []);
  });

  it('--map gives them to a workbook that has none, and wins over stored ones', async () => {
    const map = path.join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({ sheets: { 合同台账: { kind: 'purchase', header_row: 1, columns: { item_name: 'C' } } } }));
    const j = await json(plain, '--map', map);
    assert.equal(j.sheets[0].mapping.item_name, 'C');
    assert.equal(j.sheets[0].mapping.date, 'B');
    const k = await json(saved, '--map', map);
    assert.equal(k.sheets[0].mapping.date, 'B', 'the file replaced the stored columns of that sheet');
  });

  const bad: [string, unknown, RegExp, RegExp][] = [
    ['a sheet that does not exist', { sheets: { 合同: { kind: 'purchase' } } }, /更正了工作表“合同”，但工作簿中没有这张表/, /corrects sheet "合同", which the workbook does not have/],
    ['an unknown kind', { sheets: { 合同台账: { kind: 'contract' } } }, /未知的台账类型“contract”/, /unknown kind "contract"/],
    ['a field the kind does not have', { sheets: { 合同台账: { kind: 'purchase', columns: { asset_id: 'A' } } } }, /字段“asset_id”，但采购执行没有这个字段/, /field "asset_id" of sheet "合同台账", which a purchase ledger does not have/],
    ['a column beyond the sheet', { sheets: { 合同台账: { kind: 'purchase', columns: { item_name: 'Z' } } } }, /指定的列“Z”不存在/, /column "Z", which does not exist/],
    ['a header row beyond the sheet', { sheets: { 合同台账: { header_row: 40 } } }, /表头行“40”无效/, /header row "40"/],
    ['__proto__ as a field', JSON.parse('{"sheets": {"合同台账": {"kind": "purchase", "columns": {"__proto__": "C"}}}}'), /字段“__proto__”/, /field "__proto__"/],
    ['not JSON', '{sheets:', /不是有效的 JSON/, /is not valid JSON/],
  ];
  for (const [what, content, zh, en] of bad) {
    it(`refuses ${what}: exit 2, one line naming it`, async () => {
      const map = path.join(dir, 'bad.json');
      writeFileSync(map, typeof content === 'string' ? content : JSON.stringify(content));
      for (const cmd of ['check', 'analyze']) {
        const r = await cli(cmd, plain, '--map', map);
        assert.equal(r.code, 2);
        assert.equal(r.out, '');
        assert.match(r.err, zh);
        assert.equal(r.err.trim().split('\n').length, 1);
      }
      const e = await cli('check', plain, '--map', map, '--lang', 'en');
      assert.match(e.err, en);
    });
  }

  it('corrections the workbench saves into an .xlsx are read back by the CLI as the pane\'s, and every other part is kept', async () => {
    const given = { kinds: { 合同台账: 'purchase' as const }, headerRows: { 合同台账: 1 }, columns: { 合同台账: { item_name: 'C', date: 'H' } } };
    const input = new Uint8Array(readFileSync(plain));
    const out = await withPaneSettings(input, settingsOfCorrections(given));
    const written = path.join(dir, 'corrected.xlsx');
    writeFileSync(written, out);
    const j = await json(written);
    assert.deepEqual(j.sheets.map((s: { sheet: string; kind: string; mapping: Record<string, string> }) => [s.sheet, s.kind, s.mapping.item_name, s.mapping.date]), [['合同台账', 'purchase', 'C', 'H']]);
    const before = unzipSync(input);
    const after = unzipSync(out);
    for (const [name, bytes] of Object.entries(before)) {
      if (name === '[Content_Types].xml' || name === '_rels/.rels') continue;
      assert.deepEqual(after[name], bytes, name);
    }
    assert.ok(after['xl/webextensions/taskpanes.xml'], 'listed as a task pane, as Office writes it');
    // Saved again: the settings are replaced in the same part, not added beside it.
    const twice = unzipSync(await withPaneSettings(out, settingsOfCorrections({ kinds: { 合同台账: null } })));
    assert.equal(Object.keys(twice).filter((n) => /webextension\d+\.xml$/.test(n)).length, 1);
    assert.deepEqual((await json(path.join(dir, 'corrected.xlsx'))).sheets.length, 1);
    writeFileSync(written, zipSync(twice));
    assert.deepEqual((await json(written)).sheets, []);
    // Another add-in's settings in the workbook stay as they were.
    const foreign = unzipSync(await withPaneSettings(new Uint8Array(readFileSync(saved)), settingsOfCorrections(given)));
    assert.match(strFromU8(foreign['xl/webextensions/webextension1.xml']!), /other-addin\.x/);
  });

  it('as a --map file: the same corrections, read back by --map', async () => {
    const map = path.join(dir, 'workbench-map.json');
    writeFileSync(map, JSON.stringify(mapOfCorrections({ kinds: { 合同台账: 'purchase' }, columns: { 合同台账: { item_name: 'C', date: 'H' } } })));
    const j = await json(plain, '--map', map);
    assert.deepEqual([j.sheets[0].mapping.item_name, j.sheets[0].mapping.date], ['C', 'H']);
  });
});
