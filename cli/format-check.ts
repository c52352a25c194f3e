/** Output of `check`: the JSON of contracts.md, and a human-readable report grouped by sheet. */
import { CheckResult } from '../shared/check';
import { Finding, Lang, Severity } from '../shared/findings';
import { LEDGERS } from '../shared/ledgers';

export interface CheckJson {
  file: string;
  as_of: string;
  sheets: { sheet: string; kind: string; header_row: number; header_rows: number; money_unit?: string; event?: string; data_rows: number; mapping: Record<string, string>; unmapped: string[] }[];
  findings: Finding[];
  summary: CheckResult['summary'];
}

export function checkJson(file: string, r: CheckResult): CheckJson {
  return {
    file,
    as_of: r.as_of,
    sheets: r.sheets.map((s) => ({
      sheet: s.sheet,
      kind: s.kind,
      header_row: s.header_row,
      header_rows: s.header_rows,
      ...(s.money_unit ? { money_unit: s.money_unit } : {}),
      ...(s.event ? { event: s.event } : {}),
      data_rows: s.data_rows,
      mapping: s.mapping,
      unmapped: s.unmapped,
    })),
    findings: r.findings,
    summary: r.summary,
  };
}

const WORDS = {
  zh: {
    asOf: '截至',
    header: (n: number, rows: number) => (rows > 1 ? `表头第 ${n}–${n + rows - 1} 行` : `表头第 ${n} 行`),
    unit: (u: string) => `金额单位：${u}`,
    rows: (n: number) => `${n} 行数据`,
    noLedger: '（未识别为台账）',
    sheetLevel: '整表',
    row: (n: number) => `第 ${n} 行`,
    severity: { error: '错误', warning: '警告', info: '提示' } as Record<Severity, string>,
    clean: '未发现问题',
    total: (s: CheckResult['summary']) => `合计：${s.error} 个错误，${s.warning} 个警告，${s.info} 条提示`,
  },
  en: {
    asOf: 'as of',
    header: (n: number, rows: number) => (rows > 1 ? `header rows ${n}–${n + rows - 1}` : `header row ${n}`),
    unit: (u: string) => `money in ${u === '万元' ? '10,000 yuan' : 'yuan'}`,
    rows: (n: number) => `${n} data rows`,
    noLedger: '(no ledger)',
    sheetLevel: 'sheet',
    row: (n: number) => `row ${n}`,
    severity: { error: 'error', warning: 'warning', info: 'info' } as Record<Severity, string>,
    clean: 'no findings',
    total: (s: CheckResult['summary']) => `Total: ${s.error} errors, ${s.warning} warnings, ${s.info} info`,
  },
};

export function checkText(file: string, r: CheckResult, sheetOrder: string[], lang: Lang): string {
  const w = WORDS[lang];
  const lines: string[] = [`${file} — ${w.asOf} ${r.as_of}`, ''];
  for (const name of sheetOrder) {
    const info = r.sheets.find((s) => s.sheet === name);
    const own = r.findings.filter((f) => f.sheet === name);
    if (info) {
      const kind = lang === 'zh' ? `${LEDGERS[info.kind].zh} ${info.kind}` : info.kind;
      lines.push(`${name}  [${kind}]  ${w.header(info.header_row, info.header_rows)}, ${w.rows(info.data_rows)}${info.money_unit ? `, ${w.unit(info.money_unit)}` : ''}`);
    } else {
      lines.push(`${name}  ${w.noLedger}`);
      for (const f of own) lines.push(`    ${f.code} ${w.severity[f.severity]}  ${f.message}`);
      continue;
    }
    if (own.length === 0) lines.push(`    ${w.clean}`);
    for (const f of own) {
      const where = f.row === undefined ? w.sheetLevel : f.column ? `${f.column}${f.row}` : w.row(f.row);
      lines.push(`    ${where.padEnd(8)} ${f.code} ${w.severity[f.severity].padEnd(lang === 'zh' ? 3 : 8)} ${f.message}`);
    }
  }
  lines.push('', w.total(r.summary));
  return lines.join('\n') + '\n';
}
