/**
 * bench:analyze — a year of 20,000 plan lines, 100,000 purchases, 150,000 assets and 200,000
 * expense lines: reconciliation + analysis by the product, against the same joins and sums written
 * as plain SQL and run by the sqlite3 command-line shell on the same data, in the same run.
 * Last line: ratio=<product time / SQL time> goal<=3. Needs the sqlite3 shell (Debian: sqlite3).
 */
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Cell, SheetGrid } from '../shared/workbook';
import { checkWorkbook } from '../shared/check';
import { reconcile } from '../shared/reconcile';
import { analyse } from '../shared/analysis';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { LEDGERS, LedgerKind } from '../shared/ledgers';

const OUT = path.join(__dirname, 'out');
const DEPTS = ['办公室', '财务科', '业务一科', '业务二科', '信息中心', '后勤服务中心'];
const ITEMS: [string, string, number][] = [
  ['A02010105', '台式计算机', 5200], ['A02010108', '便携式计算机', 6800], ['A02021004', 'A4彩色打印机', 2460], ['A02020200', '投影仪', 4800],
  ['A05010201', '办公桌', 1800], ['A05010301', '办公椅', 650], ['A02021104', '液晶显示器', 1070], ['C23090100', '印刷服务', 3000],
];
const METHODS = ['协议采购', '询价', '电子卖场', '自行采购'];
const CLASSES = Object.keys(DEFAULT_REFERENCE.econ_classes);
const date = (i: number) => { const d = new Date(Date.UTC(2024, 0, 1) + (i % 180) * 86_400_000); return d.toISOString().slice(0, 10); };

function grids(): SheetGrid[] {
  const plan: Cell[][] = [['计划编号', '预算年度', '使用部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式']];
  for (let i = 0; i < 20_000; i++) {
    const [code, name, price] = ITEMS[i % ITEMS.length]!;
    plan.push([`JH-${i}`, 2024, DEPTS[i % DEPTS.length]!, code, name, 12 + (i % 5), price, null, METHODS[i % METHODS.length]!]);
  }
  const purchase: Cell[][] = [['合同编号', '计划编号', '采购日期', '部门', '品目编码', '品目名称', '数量', '单价', '金额', '采购方式']];
  for (let i = 0; i < 100_000; i++) {
    const line = i % 20_000;
    const [code, name, price] = ITEMS[line % ITEMS.length]!;
    purchase.push([`HT-${i}`, i % 10 === 9 ? null : `JH-${line}`, date(i), DEPTS[line % DEPTS.length]!, code, name, 1 + (i % 3), price - (i % 7), null, METHODS[(line + (i % 11 === 0 ? 1 : 0)) % METHODS.length]!]);
  }
  const asset: Cell[][] = [['资产编号', '资产名称', '品目编码', '价值', '取得日期', '合同编号', '使用状况']];
  for (let i = 0; i < 150_000; i++) {
    const p = i % 100_000;
    const [code, name, price] = ITEMS[(p % 20_000) % ITEMS.length]!;
    asset.push([`ZC-${i}`, name, code, price - (p % 7), date(p + 3), `HT-${p}`, ['在用', '在用', '维修', '闲置'][i % 4]!]);
  }
  const expense: Cell[][] = [['凭证号', '日期', '部门', '经济分类', '金额', '合同编号']];
  for (let i = 0; i < 200_000; i++) {
    expense.push([`PZ-${i}`, date(i + 10), DEPTS[i % DEPTS.length]!, CLASSES[i % CLASSES.length]!, 100 + (i % 900), i % 2 === 0 ? `HT-${i % 100_000}` : null]);
  }
  const budget: Cell[][] = [['预算年度', '部门', '经济分类', '金额']];
  for (const d of DEPTS) for (const c of CLASSES) budget.push([2024, d, c, 1_000_000]);
  return [
    { name: '采购计划', rows: plan }, { name: '合同台账', rows: purchase }, { name: '固定资产台账', rows: asset },
    { name: '支出明细', rows: expense }, { name: '预算指标', rows: budget },
  ];
}

const SQL = `
-- Plan ↔ purchase: match by plan_id, cumulative quantity and amount per line, price and method.
CREATE TEMP TABLE matched AS
  SELECT p.rowid AS pr, l.rowid AS lr, p.purchase_id, l.plan_id, l.item_code, p.date, p.quantity, p.amount, p.unit_price,
    l.unit_price AS plan_price, p.method, l.method AS plan_method, l.quantity AS plan_qty, l.amount AS plan_amount,
    SUM(p.quantity) OVER w AS cum_qty, SUM(p.amount) OVER w AS cum_amount
  FROM purchase_rows p JOIN plan_rows l ON l.plan_id = p.plan_id
  WHERE p.valid AND l.valid AND p.date <= '2024-06-30'
  WINDOW w AS (PARTITION BY l.plan_id ORDER BY p.date, p.rowid);
SELECT COUNT(*) FROM matched WHERE cum_qty > plan_qty OR cum_amount > plan_amount OR unit_price > plan_price OR method <> plan_method;
SELECT COUNT(*) FROM purchase_rows p WHERE p.plan_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM plan_rows l WHERE l.plan_id = p.plan_id);
-- Purchases without plan_id: candidate lines by year, item and department.
SELECT COUNT(*) FROM purchase_rows p WHERE p.plan_id IS NULL AND NOT EXISTS
  (SELECT 1 FROM plan_rows l WHERE l.year = CAST(substr(p.date, 1, 4) AS INT) AND l.item_code = p.item_code AND l.department = p.department);
-- Split purchases: the 90-day sum per item and department.
SELECT COUNT(*) FROM (SELECT amount, SUM(amount) OVER (PARTITION BY item_code, department ORDER BY julianday(date)
  RANGE BETWEEN 90 PRECEDING AND CURRENT ROW) AS s FROM purchase_rows WHERE valid AND method <> 'public_tender' AND amount < 200000000) WHERE s >= 200000000;
-- Purchase ↔ assets: cards per capitalised purchase.
CREATE TEMP TABLE cards AS SELECT purchase_id, COUNT(*) AS n, SUM(value) AS v,
  SUM(status = 'in_use') AS in_use, SUM(status = 'repair') AS repair, SUM(status = 'idle') AS idle FROM asset_rows WHERE valid GROUP BY purchase_id;
SELECT COUNT(*) FROM purchase_rows p LEFT JOIN cards c ON c.purchase_id = p.purchase_id
  WHERE p.valid AND p.item_code LIKE 'A%' AND p.unit_price >= 100000 AND COALESCE(c.n, 0) <> p.quantity;
SELECT COUNT(*) FROM asset_rows a WHERE a.purchase_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM purchase_rows p WHERE p.purchase_id = a.purchase_id);
-- Payments: cumulative per purchase, unknown purchases, unpaid purchases.
SELECT COUNT(*) FROM (SELECT e.amount, p.amount AS contract, SUM(e.amount) OVER (PARTITION BY e.purchase_id ORDER BY e.date, e.rowid) AS cum
  FROM expense_rows e JOIN purchase_rows p ON p.purchase_id = e.purchase_id WHERE e.valid AND e.date <= '2024-06-30') WHERE cum > contract;
SELECT COUNT(*) FROM expense_rows e WHERE e.purchase_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM purchase_rows p WHERE p.purchase_id = e.purchase_id);
SELECT COUNT(*) FROM purchase_rows p WHERE p.date < '2024-05-01' AND NOT EXISTS (SELECT 1 FROM expense_rows e WHERE e.purchase_id = p.purchase_id);
-- Budget: cumulative spending per department and class.
SELECT COUNT(*) FROM (SELECT e.amount, b.amount AS budget, SUM(e.amount) OVER (PARTITION BY e.department, e.econ_class ORDER BY e.date, e.rowid) AS cum
  FROM expense_rows e JOIN budget_rows b ON b.department = e.department AND b.econ_class = e.econ_class AND b.year = 2024 WHERE e.valid) WHERE cum > budget;
CREATE INDEX matched_line ON matched(lr);
-- Analysis: by item, by month, by method, by plan line, by department, by class.
SELECT p.item_code, p.plan, e.exec FROM (SELECT item_code, SUM(amount) AS plan FROM plan_rows GROUP BY item_code) p
  LEFT JOIN (SELECT item_code, SUM(amount) AS exec FROM matched GROUP BY item_code) e ON e.item_code = p.item_code;
SELECT substr(date, 6, 2) AS m, SUM(amount), SUM(SUM(amount)) OVER (ORDER BY substr(date, 6, 2)) FROM matched GROUP BY m;
SELECT method, COUNT(*), SUM(amount) FROM matched GROUP BY method;
SELECT l.plan_id, l.quantity, l.amount, SUM(m.quantity), SUM(m.amount) FROM plan_rows l LEFT JOIN matched m ON m.lr = l.rowid GROUP BY l.rowid ORDER BY l.rowid LIMIT 1;
SELECT COUNT(*) FROM (SELECT l.plan_id FROM plan_rows l LEFT JOIN matched m ON m.lr = l.rowid GROUP BY l.rowid);
SELECT m.item_code, SUM(e.amount) FROM matched m JOIN expense_rows e ON e.purchase_id = m.purchase_id GROUP BY m.item_code;
SELECT department, SUM(amount) FROM expense_rows GROUP BY department;
SELECT econ_class, department, SUM(amount) FROM expense_rows GROUP BY econ_class, department;
SELECT COUNT(*) FROM purchase_rows p JOIN cards c ON c.purchase_id = p.purchase_id WHERE p.item_code LIKE 'A%';
`;

function toSqlite(file: string, ledgers: ReturnType<typeof checkWorkbook>['ledgers']): void {
  for (const f of [file, file + '-wal', file + '-shm']) rmSync(f, { force: true });
  const db = new Database(file);
  for (const kind of Object.keys(ledgers) as LedgerKind[]) {
    const fields = LEDGERS[kind].fields.map((f) => f.name);
    db.exec(`CREATE TABLE ${kind}_rows (valid INT, ${fields.map((f) => `"${f}"`).join(', ')})`);
    const stmt = db.prepare(`INSERT INTO ${kind}_rows VALUES (${['?', ...fields.map(() => '?')].join(',')})`);
    db.transaction(() => {
      for (const r of ledgers[kind]!.rows) stmt.run(r.valid ? 1 : 0, ...fields.map((f) => r.values[f] ?? null));
    })();
  }
  // The indexes a careful SQL author would add for these joins.
  db.exec(`CREATE INDEX plan_id ON plan_rows(plan_id); CREATE INDEX plan_item ON plan_rows(year, item_code, department);
    CREATE INDEX purchase_id ON purchase_rows(purchase_id); CREATE INDEX purchase_plan ON purchase_rows(plan_id);
    CREATE INDEX asset_purchase ON asset_rows(purchase_id); CREATE INDEX expense_purchase ON expense_rows(purchase_id);`);
  db.close();
}

function main(): void {
  if (spawnSync('sqlite3', ['--version']).status !== 0) {
    console.error('bench:analyze needs the sqlite3 shell: apt-get install sqlite3');
    process.exit(2);
  }
  mkdirSync(OUT, { recursive: true });
  let t = Date.now();
  const checked = checkWorkbook(grids(), { asOf: '2024-06' });
  console.log(`generated and validated the ledgers in ${((Date.now() - t) / 1000).toFixed(1)} s (not timed below): ` +
    Object.entries(checked.ledgers).map(([k, l]) => `${k} ${l!.rows.length}`).join(', '));

  const file = path.join(OUT, 'analyze-bench.sqlite');
  toSqlite(file, checked.ledgers);
  const script = path.join(OUT, 'analyze-bench.sql');
  writeFileSync(script, SQL);

  const runs = Number(process.env.BENCH_REPEATS ?? 3);
  let product = Infinity;
  let sql = Infinity;
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const opts = { asOf: checked.as_of, ref: DEFAULT_REFERENCE, lang: 'zh' as const };
    const rec = reconcile(checked.ledgers, opts);
    analyse({ ledgers: checked.ledgers, matches: rec.matches, findings: [...checked.findings, ...rec.findings], ...opts });
    product = Math.min(product, performance.now() - t);
    findings = rec.findings.length;
    if (i === 0) {
      const by: Record<string, number> = {};
      for (const f of rec.findings) by[f.code] = (by[f.code] ?? 0) + 1;
      console.log(`reconciliation findings by code: ${JSON.stringify(by)}`);
    }
    t = performance.now();
    execFileSync('sqlite3', [file, `.read ${script}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    sql = Math.min(sql, performance.now() - t);
  }
  console.log(`reconcile + analysis (product): ${(product / 1000).toFixed(2)} s, ${findings} reconciliation findings`);
  console.log(`the same joins and sums in SQL (sqlite3 shell): ${(sql / 1000).toFixed(2)} s`);
  console.log(`ratio=${(product / sql).toFixed(3)} goal<=3`);
}

main();
