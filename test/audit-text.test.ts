import { localTimestamp } from '../shared/dates';
import assert from 'node:assert/strict';
import { auditActionText, auditDetailsText, auditSentence, roleText } from '../shared/audit-text';

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

describe('an audit event as one sentence (the audit sheet and the workbench)', () => {
  // [actor, action, period, details, zh, en]
  const cases: [string, string, string | null, Record<string, unknown>, string, string][] = [
    ['张三', 'commit', '2024-06', { push_id: 'u', snapshot_id: 3, kind: 'purchase', rows: 1203, content_hash: 'ab', previous_snapshot_id: null, findings: { error: 2, warning: 1, info: 0 } },
      '张三 推送 采购执行 1,203 行（快照 3）；错误 2，警告 1，提示 0', '张三 pushed the purchase ledger, 1,203 rows (snapshot 3); 2 errors, 1 warnings, 0 info'],
    ['张三', 'commit', '2024-07', { snapshot_id: 9, kind: 'asset_event', rows: 12, previous_snapshot_id: 4 },
      '张三 推送 资产变动 12 行（快照 9，替换快照 4）', '张三 pushed the asset event ledger, 12 rows (snapshot 9, replacing snapshot 4)'],
    ['A001/clerk', 'push_open', '2024-06', { push_id: 'u', kind: 'budget', row_count: 42, content_hash: 'x', workbook: '预算.xlsx' },
      'A001 经办人员 开始推送 预算指标 42 行（2024-06，预算.xlsx）', 'A001 clerk began pushing the budget ledger, 42 rows (2024-06, 预算.xlsx)'],
    ['李四', 'push_unchanged', '2024-06', { kind: 'plan', snapshot_id: 5, content_hash: 'x' },
      '李四 推送 采购计划，内容与快照 5 相同，未建新快照', '李四 pushed the plan ledger, the same as snapshot 5: no new snapshot'],
    ['system', 'reconcile', '2024-06', { reconciliation_id: 1, snapshots: { plan: 1 }, findings: { error: 0, warning: 0, info: 1 } },
      '系统 核对 2024-06；错误 0，警告 0，提示 1', 'The service reconciled 2024-06; 0 errors, 0 warnings, 1 info'],
    ['王五', 'close', '2024-06', { unit: 'A', override: '差异已报批', snapshots: { plan: 1 }, findings: { error: 7, warning: 1, info: 6 } },
      '王五 结账 A 2024-06；错误 7，警告 1，提示 6；有错误仍结账，说明：差异已报批', '王五 closed A 2024-06; 7 errors, 1 warnings, 6 info; closed despite errors because: 差异已报批'],
    ['王五', 'reopen', '2024-06', { unit: 'A', reason: '更正 E02', closed_by: '王五' },
      '王五 重新打开 A 2024-06，原因：更正 E02（原结账人 王五）', '王五 reopened A 2024-06 because: 更正 E02 (closed by 王五)'],
    ['admin', 'token_create', null, { token_id: 3, unit: 'B', role: 'reviewer', label: '复核岗', expires_at: '2025-03-01T00:00:00.000Z' },
      'admin 为 B 创建复核人员令牌 3（复核岗），2025-03-01 到期', 'admin created reviewer token 3 for B (复核岗), expiring 2025-03-01'],
    ['admin', 'token_revoke', null, { token_id: 3, role: 'clerk', label: null }, 'admin 吊销令牌 3（经办人员）', 'admin revoked token 3 (clerk)'],
    ['system', 'token_refused', null, { token_id: 3, why: 'expired' }, '令牌 3 被拒绝：已过期', 'token 3 refused: expired'],
    ['REVIEW/reviewer', 'reopen', '2024-07', { unit: 'A', reason: '补录', closed_by: 'REVIEW/reviewer' },
      'REVIEW 复核人员 重新打开 A 2024-07，原因：补录（原结账人 REVIEW 复核人员）', 'REVIEW reviewer reopened A 2024-07 because: 补录 (closed by REVIEW reviewer)'],
    ['x', 'something_new', '2024-06', { a: 1 }, 'x something_new 2024-06；a：1', 'x something_new 2024-06; a: 1'],
  ];
  for (const [actor, action, period, details, zh, en] of cases) {
    it(`${action} ${JSON.stringify(details).slice(0, 60)}`, () => {
      assert.equal(auditSentence({ actor, action, period, details }, 'zh'), zh);
      assert.equal(auditSentence({ actor, action, period, details }, 'en'), en);
    });
  }
  it('no JSON and no internal key in a Chinese sentence for any action the service writes', () => {
    for (const [actor, action, period, details] of cases.slice(0, -1)) {
      const s = auditSentence({ actor, action, period, details }, 'zh');
      assert.doesNotMatch(s, /[{}"]|_id|snapshot|kind|row_count|content_hash/, s);
    }
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
