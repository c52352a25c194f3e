import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMoney } from '../shared/values';
import { fenToYuanString, fenFromYuanString, productFen, differsByMoreThanAFen, mulDigits, compareDigits, Fen } from '../shared/money';

describe('money parsing (values.md)', () => {
  const valid: [unknown, string, ('元' | '万元')?][] = [
    [4800, '4800.00'],
    [4800.5, '4800.50'],
    [3645.41, '3645.41'],
    [0, '0.00'],
    [12.345, '12.35'], // half-up to the fen
    [12.344, '12.34'],
    [-1234.5, '-1234.50'],
    [1.2, '12000.00', '万元'],
    [0.00005, '0.50', '万元'],
    [0.1 + 0.2, '0.30'],
    ['4800', '4800.00'],
    ['¥4,800.00', '4800.00'],
    ['￥4,800.00', '4800.00'],
    ['¥ 4,800', '4800.00'],
    ['RMB 1,000', '1000.00'],
    ['CNY1000.5', '1000.50'],
    ['cny 12', '12.00'],
    ['5000元', '5000.00'],
    ['1.2万', '12000.00'],
    ['1.2万元', '12000.00'],
    ['1.2万元', '12000.00', '万元'],
    ['3元', '3.00', '万元'], // the cell's unit wins over the header's
    ['3', '30000.00', '万元'],
    ['1，234.50', '1234.50'],
    ['1 234 567.89', '1234567.89'],
    ['(1,234.50)', '-1234.50'],
    ['（1,234.50）', '-1234.50'],
    ['-1234.5', '-1234.50'],
    ['-¥1,234.50', '-1234.50'],
    ['¥-1,234.50', '-1234.50'],
    ['+12', '12.00'],
    ['１２３．４５', '123.45'],
    ['－１２', '-12.00'],
    ['12.345', '12.35'],
    ['12.344999', '12.34'],
    ['-12.345', '-12.35'],
    ['.5', '0.50'],
    ['  800  ', '800.00'],
  ];
  for (const [input, want, unit] of valid) {
    it(`reads ${JSON.stringify(input)}${unit ? ` under ${unit}` : ''} as ${want}`, () => {
      const p = parseMoney(input as string | number, unit);
      assert.ok(p.ok, `expected ok, got ${JSON.stringify(p)}`);
      assert.equal(fenToYuanString(p.value), want);
    });
  }

  const invalid: unknown[] = ['12,3x', '12,3', '1,23.5', '1234,567', '约5000', '5000-6000', 'abc', '¥', '1.2.3', '5000 元 整', '万', '1e5', true, '12..5', '--5', Infinity, NaN];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input)} with V02`, () => {
      const p = parseMoney(input as string | number);
      assert.equal(p.ok, false);
      if (!p.ok) assert.equal(p.code, 'V02');
    });
  }

  const fenArb = fc.integer({ min: -99_999_999_999, max: 99_999_999_999 });
  const group = (digits: string, sep: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);

  it('format → parse returns the same fen, in every written form', () => {
    fc.assert(
      fc.property(fenArb, fc.constantFrom('plain', 'comma', 'fullcomma', 'space', 'yen', 'yuan', 'paren', 'fullwidth'), (fen, form) => {
        const s = fenToYuanString(fen);
        const neg = s.startsWith('-');
        const [i, frac] = s.replace('-', '').split('.') as [string, string];
        let text: string;
        switch (form) {
          case 'comma': text = `${neg ? '-' : ''}${group(i, ',')}.${frac}`; break;
          case 'fullcomma': text = `${neg ? '-' : ''}${group(i, '，')}.${frac}`; break;
          case 'space': text = `${neg ? '-' : ''}${group(i, ' ')}.${frac}`; break;
          case 'yen': text = `${neg ? '-' : ''}¥${group(i, ',')}.${frac}`; break;
          case 'yuan': text = `${s}元`; break;
          case 'paren': text = neg ? `(${group(i, ',')}.${frac})` : s; break;
          case 'fullwidth': text = s.replace(/[0-9.\-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)); break;
          default: text = s;
        }
        const p = parseMoney(text);
        assert.ok(p.ok, text);
        assert.equal(p.value, fen === 0 ? 0 : fen, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('a number cell with at most two decimals reads exactly', () => {
    fc.assert(
      fc.property(fenArb, (fen) => {
        const p = parseMoney(fen / 100);
        assert.ok(p.ok);
        assert.equal(p.value, fen === 0 ? 0 : fen);
      }),
      { numRuns: 2000 },
    );
  });

  it('万 amounts read as yuan × 10,000 without float error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 9999 }), (w, frac) => {
        const text = `${w}.${String(frac).padStart(4, '0')}万`;
        const p = parseMoney(text);
        assert.ok(p.ok, text);
        assert.equal(p.value, w * 1_000_000 + frac * 100);
      }),
    );
  });

  it('garbage never throws: it is a value or V02', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.double(), fc.constantFrom('¥', '(', ')', '万元', ',', '.')), (x) => {
        const p = parseMoney(x);
        if (!p.ok) assert.equal(p.code, 'V02');
        else assert.ok(Number.isSafeInteger(p.value));
      }),
      { numRuns: 3000 },
    );
  });

  it('converts between fen and yuan strings', () => {
    assert.equal(fenFromYuanString('12345.60'), 1234560);
    assert.equal(fenFromYuanString('-0.05'), -5);
    assert.equal(fenFromYuanString('x'), null);
    assert.equal(fenToYuanString(5 as Fen), '0.05');
    assert.equal(fenToYuanString(-123456 as Fen), '-1234.56');
  });

  it('multiplies quantity by unit price exactly', () => {
    assert.equal(productFen(20, 13000 as Fen), 260000);
    assert.equal(productFen(0.5, 333 as Fen), 167); // 1.665 yuan → 1.67
    assert.equal(productFen(3, 3333 as Fen), 9999);
    assert.equal(productFen(0.1, 30 as Fen), 3);
    assert.equal(differsByMoreThanAFen(10000 as Fen, 3, 3333 as Fen), false); // 100.00 vs 99.99: exactly a fen
    assert.equal(differsByMoreThanAFen(10001 as Fen, 3, 3333 as Fen), true);
    assert.equal(differsByMoreThanAFen(300 as Fen, 0.1, 3000 as Fen), false);
    assert.equal(differsByMoreThanAFen(-300 as Fen, 0.1, 3000 as Fen), true);
  });

  // The pane runs where there is no BigInt; the tests, in Node, hold the digit arithmetic to it.
  it('digit arithmetic equals BigInt on random whole numbers', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 18n }), (a, b) => {
      assert.equal(mulDigits(a.toString(), b.toString()), (a * b).toString());
      assert.equal(Math.sign(compareDigits(a.toString(), b.toString())), a > b ? 1 : a < b ? -1 : 0);
    }), { numRuns: 500 });
  });

  it('the fen tolerance equals the exact BigInt comparison on random amounts, quantities and prices', () => {
    const qty = fc.oneof(fc.integer({ min: -1000, max: 100000 }), fc.double({ min: -1000, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 1000) / 1000));
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), qty, fc.integer({ min: -1e10, max: 1e10 }), (amount, q, price) => {
      const d = String(q).includes('e') ? null : String(q);
      if (d === null) return;
      const [int, frac = ''] = d.replace('-', '').split('.');
      const scale = frac.length;
      const qInt = BigInt((q < 0 ? '-' : '') + int + frac);
      const diff = BigInt(amount) * 10n ** BigInt(scale) - qInt * BigInt(price);
      const exact = (diff < 0n ? -diff : diff) > 10n ** BigInt(scale);
      assert.equal(differsByMoreThanAFen(amount as Fen, q, price as Fen), exact, `${amount} ${q} ${price}`);
    }), { numRuns: 1000 });
  });
});
