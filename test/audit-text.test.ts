import { localTimestamp } from '../shared/dates';
import assert from 'node:assert/strict';
import { auditActionText, auditDetailsText, roleText } from '../shared/audit-text';

describe('an audit event in words (the audit sheet and the workbench)', () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [{ push_id: 'b7e9', kind: 'budget', row_count: 42, content_hash: '48859d0c84c16b49936ebeb5', workbook: '预算.xlsx' }, '台账：预算指标；行数：42；内容摘要：48859d0c84c1；工作簿：预算.xlsx', 'ledger: budget; rows: 42; content hash: 48859d0c84c1; workbook: 预算.xlsx'],
    [{ unit: 'A', override: '差异已报批', snapshots: { plan: 1 }, findings: { error: 7, warning: 1, info: 6 } }, '单位：A；有错误仍结账的说明：差异已报批；发现：错误 7，警告 1，提示 6', 'unit: A; closed despite errors because: 差异已报批; findings: 7 errors, 1 warnings, 6 info'],
    [{ token_id: 3, unit: 'B', role: 'reviewer', label: null }, '令牌编号：3；单位：B；角色：复核人员', 'token id: 3; unit: B; role: reviewer'],
    [{ something_new: 'x' }, 'something_new：x', 'something_new: x'],
    [{}, '', ''],
  ];
  for (const [details, zh, en] of cases) {
    it(`${JSON.stringify(details)}`, () => {
      assert.equal(auditDetailsText(details, 'zh'), zh);
      assert.equal(auditDetailsText(details, 'en'), en);
    });
  }
  it('names every action the service writes, in both languages', () => {
    for (const a of ['push_open', 'push_unchanged', 'commit', 'reconcile', 'close', 'reopen', 'token_create', 'token_revoke', 'token_refused']) {
      assert.doesNotMatch(auditActionText(a, 'zh'), /[a-z]/, a);
      assert.notEqual(auditActionText(a, 'en'), a.includes('_') ? a : '', a);
    }
    assert.equal(roleText('admin', 'zh'), '管理员');
  });
});

describe('times on the deployment’s clock', () => {
  it('localTimestamp in a named zone (Asia/Shanghai, UTC), and the machine’s own for an unknown one', () => {
    const d = new Date('2024-06-30T09:05:00Z');
    assert.equal(localTimestamp(d, 'Asia/Shanghai'), '2024-06-30 17:05');
    assert.equal(localTimestamp(d, 'UTC'), '2024-06-30 09:05');
    assert.equal(localTimestamp(new Date('2024-12-31T20:30:00Z'), 'Asia/Shanghai'), '2025-01-01 04:30');
    assert.equal(localTimestamp(d, 'Not/AZone'), localTimestamp(d));
  });
});
