import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isEmptyCell, parseQty, parseDate, parseYear, parseEnum, parseEconClass, parseText, parseCell, parseMoney, rawText, FieldType, MoneyUnit } from '../shared/values';
import { ENUMS, EnumName } from '../shared/enums';
import { DEFAULT_REFERENCE } from '../shared/reference';
import { isoOfSerial, isoDate } from '../shared/dates';
import { Cell } from '../shared/workbook';
import { D, ERR, serial } from './support/grid';

const ref = DEFAULT_REFERENCE;

describe('empty cells and placeholders', () => {
  for (const c of [null, '', '   ', '\t\n', '-', '—', '/', '无', ' 无 ', '　']) {
    it(`${JSON.stringify(c)} is empty`, () => assert.equal(isEmptyCell(c), true));
  }
  for (const c of [0, '0', '无线网卡', '--5', 'x', false, ERR('#N/A')] as Cell[]) {
    it(`${JSON.stringify(c)} is not empty`, () => assert.equal(isEmptyCell(c), false));
  }
});

describe('qty', () => {
  const valid: [Cell, number][] = [
    [5, 5], [0.5, 0.5], ['5', 5], ['5台', 5], ['3 套', 3], ['10件', 10], ['2批', 2], ['1项', 1], ['1.5项', 1.5],
    ['12个月', 12], ['５台', 5], ['1,000', 1000], ['0', 0], ['-2', -2], ['6 pcs', 6],
  ];
  for (const [c, want] of valid) it(`reads ${JSON.stringify(c)} as ${want}`, () => assert.deepEqual(parseQty(c), { ok: true, value: want }));
  for (const c of ['约5台', '5-6台', '五台', 'abc', '台', '5台台台台', '1,00', '', true] as Cell[]) {
    it(`refuses ${JSON.stringify(c)} with V02`, () => {
      const p = parseQty(c);
      assert.equal(p.ok, false);
      assert.equal(!p.ok && p.code, 'V02');
    });
  }
});

describe('dates', () => {
  const valid: [Cell, string][] = [
    ['2024-03-05', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024/03/05', '2024-03-05'],
    ['2024.3.5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024 年 3 月 5 日', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['2024-03-05 14:30', '2024-03-05'],
    ['2024-03-05 14:30:15', '2024-03-05'],
    ['2024-03-05T14:30:15.000Z', '2024-03-05'],
    ['2024年3月5日 9:05', '2024-03-05'],
    ['20240305 08:00', '2024-03-05'],
    ['２０２４－０３－０５', '2024-03-05'],
    ['2024-02-29', '2024-02-29'],
    [D(2024, 3, 5), '2024-03-05'],
    [serial(2024, 3, 5), '2024-03-05'],
    [serial(2024, 3, 5) + 0.75, '2024-03-05'],
    [20240305, '2024-03-05'],
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [2958465, '9999-12-31'],
  ];
  for (const [c, want] of valid) it(`reads ${JSON.stringify(c)} as ${want}`, () => assert.deepEqual(parseDate(c), { ok: true, value: want }));

  const invalid: Cell[] = [
    '2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '20240230', '2024年2月30日', '05/03/2024', '5.3.2024', '03-05-2024',
    '2024-03', '2024-3-5-1', '2024-03/05', 'March 5', '昨天', 0, -5, 60, 2958466, 1.5e9, true, ERR('#VALUE!'),
  ];
  for (const c of invalid) {
    it(`refuses ${JSON.stringify(c)} with V03`, () => {
      const p = parseDate(c);
      assert.equal(p.ok, false, JSON.stringify(p));
      assert.equal(!p.ok && p.code, 'V03');
    });
  }

  const dayArb = fc.date({ min: new Date(Date.UTC(2000, 0, 1)), max: new Date(Date.UTC(2100, 11, 31)), noInvalidDate: true });
  it('format → parse returns the same date, in every written form and as a serial', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 6 }), (d, form) => {
        const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, day = d.getUTCDate();
        const p2 = (n: number) => String(n).padStart(2, '0');
        const want = `${y}-${p2(m)}-${p2(day)}`;
        const cell: Cell = [
          want, `${y}/${m}/${day}`, `${y}.${m}.${day}`, `${y}年${m}月${day}日`, `${y}${p2(m)}${p2(day)}`,
          serial(y, m, day), `${want} 23:59:59`,
        ][form]!;
        assert.deepEqual(parseDate(cell), { ok: true, value: want }, String(cell));
      }),
      { numRuns: 1500 },
    );
  });

  it('garbage never throws: it is a date or V03', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.integer(), fc.stringMatching(/^\d{1,4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$/)), (x) => {
        const p = parseDate(x);
        if (p.ok) assert.match(p.value, /^\d{4}-\d{2}-\d{2}$/);
        else assert.equal(p.code, 'V03');
      }),
      { numRuns: 3000 },
    );
  });

  it('serials and calendar agree around the 1900 leap-year bug and far out', () => {
    assert.equal(isoOfSerial(45356), '2024-03-05');
    assert.equal(isoOfSerial(36526), '2000-01-01');
    assert.equal(isoOfSerial(60), null);
    assert.equal(isoDate(2100, 2, 29), null);
    assert.equal(isoDate(2000, 2, 29), '2000-02-29');
  });
});

describe('year', () => {
  for (const [c, want] of [[2024, 2024], ['2024', 2024], ['2024年', 2024], ['2024年度', 2024], ['２０２４年', 2024], [2000, 2000], [2100, 2100]] as [Cell, number][]) {
    it(`reads ${JSON.stringify(c)}`, () => assert.deepEqual(parseYear(c), { ok: true, value: want }));
  }
  for (const c of [1999, 2101, 2024.5, '24年', '2024年3月', 'FY2024', '二〇二四'] as Cell[]) {
    it(`refuses ${JSON.stringify(c)} with V02`, () => assert.equal(parseYear(c).ok === false && (parseYear(c) as { code: string }).code, 'V02'));
  }
});

describe('enumerations: every spelling of values.md', () => {
  for (const name of Object.keys(ENUMS) as EnumName[]) {
    for (const [value, e] of Object.entries(ENUMS[name])) {
      for (const spelling of [value, e.zh, e.en, ...e.also, e.en.toUpperCase(), ` ${e.zh} `]) {
        it(`${name}: ${JSON.stringify(spelling)} → ${value}`, () => assert.deepEqual(parseEnum(name, spelling), { ok: true, value }));
      }
    }
  }
  it('method: unknown text is V04', () => {
    const p = parseEnum('method', '比选');
    assert.equal(p.ok, false);
    assert.equal(!p.ok && p.code, 'V04');
  });
  it('status: a number is V04', () => assert.equal(parseEnum('asset_status', 3).ok, false));
  it('the same word can mean different values in different enumerations', () => {
    assert.deepEqual(parseEnum('event', '报废'), { ok: true, value: 'disposal' });
    assert.deepEqual(parseEnum('asset_status', '报废'), { ok: true, value: 'disposed' });
    assert.deepEqual(parseEnum('event', '调拨'), { ok: true, value: 'reallocate' });
    assert.deepEqual(parseEnum('asset_status', '调拨'), { ok: true, value: 'transferred' });
  });
});

describe('economic classes', () => {
  const valid: [Cell, string][] = [
    ['30201', '30201'], [30201, '30201'], ['办公费', '30201'], ['30201 办公费', '30201'], ['30201-办公费', '30201'],
    ['30201办公费', '30201'], ['30201　办公费', '30201'], ['３０２０１', '30201'], ['30212 因公出国（境）费用', '30212'],
    ['因公出国(境)费用', '30212'], ['维修费', '30213'], ['30213 维修（护）费', '30213'], ['31013', '31013'],
  ];
  for (const [c, want] of valid) it(`reads ${JSON.stringify(c)}`, () => assert.deepEqual(parseEconClass(c, ref), { ok: true, value: want }));
  for (const c of ['30200', '99999', '办公用品费', '30201 印刷费', '3020', '302011', 30200, true] as Cell[]) {
    it(`refuses ${JSON.stringify(c)} with V04`, () => {
      const p = parseEconClass(c, ref);
      assert.equal(p.ok, false);
      assert.equal(!p.ok && p.code, 'V04');
    });
  }
  it('a deployment can add classes', () => {
    const custom = { ...ref, econ_classes: { ...ref.econ_classes, '30301': '离休费' } };
    assert.deepEqual(parseEconClass('离休费', custom), { ok: true, value: '30301' });
    assert.equal(parseEconClass('离休费', ref).ok, false);
  });

  it('the defaults know salaries and the other 301, 302, 309 and 310 items (30101 基本工资 is most units\' largest line)', () => {
    for (const [code, name] of [['30101', '基本工资'], ['30113', '住房公积金'], ['30240', '税金及附加费用'], ['30906', '大型修缮'], ['31022', '无形资产购置']]) {
      assert.deepEqual(parseEconClass(`${code} ${name}`, ref), { ok: true, value: code }, code);
    }
  });
});

describe('text, codes and Excel error values', () => {
  it('text keeps what was written, folded and trimmed', () => {
    assert.deepEqual(parseText('  HT－2024－001 '), { ok: true, value: 'HT-2024-001' });
    assert.deepEqual(parseText(2444007919), { ok: true, value: '2444007919' });
    assert.deepEqual(parseText(D(2024, 1, 2)), { ok: true, value: '2024-01-02' });
  });
  const errors: [string, string][] = [['money', 'V02'], ['qty', 'V02'], ['date', 'V03'], ['year', 'V02'], ['enum:method', 'V04'], ['enum:econ_class', 'V04'], ['text', 'V02'], ['code', 'V02']];
  for (const [type, code] of errors) {
    for (const e of ['#N/A', '#VALUE!', '#REF!', '#DIV/0!']) {
      it(`${e} in a ${type} field is ${code}`, () => {
        const p = parseCell(type as never, ERR(e), ref, '元');
        assert.equal(p.ok, false);
        assert.equal(!p.ok && p.code, code);
      });
    }
  }
  it('raw text shows the cell as the clerk sees it', () => {
    assert.equal(rawText(ERR('#N/A')), '#N/A');
    assert.equal(rawText(D(2024, 3, 5)), '2024-03-05');
    assert.equal(rawText(12.5), '12.5');
    assert.equal(rawText(null), '');
  });
});

describe('parseCell gives what the field\'s own parser gives, for repeated texts too', () => {
  // parseCell keeps results by cell text; these check that keeping them never changes one.
  const direct: [FieldType, MoneyUnit, (c: Cell) => unknown][] = [
    ['money', '元', (c) => parseMoney(c, '元')],
    ['money', '万元', (c) => parseMoney(c, '万元')],
    ['qty', '元', parseQty],
    ['date', '元', parseDate],
    ['enum:method', '元', (c) => parseEnum('method', c)],
    ['enum:asset_status', '元', (c) => parseEnum('asset_status', c)],
    ['enum:event', '元', (c) => parseEnum('event', c)],
  ];
  const cellArb: fc.Arbitrary<Cell> = fc.oneof(
    fc.constantFrom('¥5,200.00', '1.2万', '(300)', '5台', '0.5项', '2024-03-05', '2024年2月30日', '20240305', '协议采购', '公开招标', '在用', '报废', '入库', '#', ''),
    fc.stringMatching(/^[¥￥]?\d{1,6}(\.\d{1,3})?[万元台]?$/),
    fc.stringMatching(/^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$/),
    fc.string({ maxLength: 8 }),
    fc.integer({ min: -1000, max: 3_000_000 }),
    fc.double({ noNaN: true }),
    fc.integer({ min: -10, max: 80_000 }).map((n) => ({ kind: 'date' as const, serial: n })),
    fc.double({ min: 1, max: 80_000, noNaN: true }).map((n) => ({ kind: 'date' as const, serial: n })),
  );
  for (const [type, unit, parse] of direct) {
    it(`${type} (${unit})`, () => {
      fc.assert(
        fc.property(cellArb, (c) => {
          assert.deepEqual(parseCell(type, c, ref, unit), parse(c));
          assert.deepEqual(parseCell(type, c, ref, unit), parse(c), 'asked again');
        }),
        { numRuns: 400 },
      );
    });
  }
  it('a text means one thing under 元 and another under 万元', () => {
    assert.deepEqual(parseCell('money', '1.2', ref, '元'), { ok: true, value: 120 });
    assert.deepEqual(parseCell('money', '1.2', ref, '万元'), { ok: true, value: 1_200_000 });
    assert.deepEqual(parseCell('money', '1.2', ref, '元'), { ok: true, value: 120 });
  });
  it('stays right past the bound of what it keeps (more distinct texts than it holds)', () => {
    for (let i = 0; i < 10_000; i++) assert.deepEqual(parseCell('qty', `${i}台`, ref, '元'), { ok: true, value: i });
    for (let i = 0; i < 10_000; i += 97) assert.deepEqual(parseCell('qty', `${i}台`, ref, '元'), { ok: true, value: i });
  });
});
