/**
 * A fake Excel host for tests: the part of the Excel JavaScript API the add-in's adapter uses, in
 * memory. Like the real one it queues calls until `context.sync()`, refuses to read a property
 * that was not loaded (and synced), counts syncs, and rejects a sync whose request or response
 * would exceed Excel on the web's 5 MB payload limit.
 */
const LIMIT = 5 * 1024 * 1024;

export interface FakeTable { name: string; address: string; style: string; showTotals: boolean; totals: unknown[] | null }
export interface FakeChart { type: string; seriesBy: string; title: string; position: [string, string] | null; series: { name: string; values: string; xValues: string | null }[]; legend: string | null }
export interface FakeCf { type: string; addresses: string; formula: string; fill: string | null; font: string | null; deleted: boolean }
export interface FakeSheet {
  name: string;
  cells: unknown[][];
  formulas: Map<string, string>;
  formats: Map<string, string>;
  /** Hyperlinks set on cells (ExcelApi 1.7), by `r,c`. */
  links?: Map<string, { documentReference?: string; textToDisplay?: string }>;
  widths: Map<number, number>;
  bold: Set<string>;
  /** Horizontal alignment set on cells, by `row,col`. */
  aligned: Map<string, string>;
  tables: FakeTable[];
  charts: FakeChart[];
  cfs: FakeCf[];
  /** Data validation by cell address: the user's rules, or the add-in's input messages. */
  validations: Map<string, { type: string; prompt: { showPrompt: boolean; title: string; message: string } | null }>;
  frozenRows: number;
  /** Merged ranges as A1 addresses (`C2:C3`): their other cells hold nothing, as in Excel. */
  merges?: string[];
}
export interface FakeName { name: string; formula: string; visible: boolean; comment: string }

class PayloadError extends Error {
  constructor(readonly code: string) {
    super(`${code}: the request or response is larger than Excel on the web allows (5 MB)`);
  }
}

export function parseAddress(a: string): { row: number; col: number; lastRow: number; lastCol: number } {
  const cell = (s: string) => {
    const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(s.trim());
    if (!m) throw new Error(`InvalidArgument: bad address "${a}"`);
    let col = 0;
    for (const ch of m[1]!) col = col * 26 + ch.charCodeAt(0) - 64;
    return { row: +m[2]! - 1, col: col - 1 };
  };
  const [x, y] = a.replace(/^.*!/, '').split(':');
  const p = cell(x!);
  const q = y ? cell(y) : p;
  return { row: p.row, col: p.col, lastRow: q.row, lastCol: q.col };
}

const key = (r: number, c: number) => `${r},${c}`;
const letters = (col: number) => {
  let s = '';
  for (let n = col + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};
const addressOf = (r: { row: number; col: number; lastRow: number; lastCol: number }) => `${letters(r.col)}${r.row + 1}:${letters(r.lastCol)}${r.lastRow + 1}`;
const bytes = (v: unknown) => JSON.stringify(v).length;

export class FakeExcel {
  sheets: FakeSheet[] = [];
  names: FakeName[] = [];
  selection: { sheet: string; address: string } | null = null;
  active: string | null = null;
  syncs = 0;
  /** Syncs refused for their size (their requests are not applied). */
  refused = 0;
  maxRequestBytes = 0;
  maxResponseBytes = 0;
  suspendedCalcSyncs = 0;

  addSheet(name: string, rows: unknown[][] = []): FakeSheet {
    const s: FakeSheet = { name, cells: rows.map((r) => [...r]), formulas: new Map(), formats: new Map(), widths: new Map(), bold: new Set(), aligned: new Map(), tables: [], charts: [], cfs: [], validations: new Map(), frozenRows: 0 };
    this.sheets.push(s);
    return s;
  }
  sheet(name: string): FakeSheet {
    const s = this.sheets.find((x) => x.name === name);
    if (!s) throw Object.assign(new Error(`ItemNotFound: no sheet ${name}`), { code: 'ItemNotFound' });
    return s;
  }
  /** The values of a sheet's block, as Excel would give them ("" for empty). */
  values(sheet: string, address: string): unknown[][] {
    const s = this.sheet(sheet);
    const r = parseAddress(address);
    const out: unknown[][] = [];
    for (let i = r.row; i <= r.lastRow; i++) {
      const row: unknown[] = [];
      for (let j = r.col; j <= r.lastCol; j++) row.push(s.cells[i]?.[j] ?? '');
      out.push(row);
    }
    return out;
  }

  /** `Excel.run` of this fake workbook. */
  run = async <T>(batch: (context: unknown) => Promise<T>): Promise<T> => batch(new Context(this));
}

type Op = { requestBytes: number; apply: () => number | void };

class Context {
  private ops: Op[] = [];
  readonly workbook: unknown;
  constructor(readonly host: FakeExcel) {
    this.workbook = new WorkbookProxy(this);
  }
  queue(requestBytes: number, apply: () => number | void): void {
    this.ops.push({ requestBytes, apply });
  }
  async sync(): Promise<void> {
    const ops = this.ops;
    this.ops = [];
    this.host.syncs++;
    const request = ops.reduce((n, o) => n + o.requestBytes + 40, 0);
    if (request > LIMIT) {
      this.host.refused++;
      throw new PayloadError('RequestPayloadSizeLimitExceeded');
    }
    this.host.maxRequestBytes = Math.max(this.host.maxRequestBytes, request);
    let response = 0;
    for (const o of ops) response += Number(o.apply() ?? 0);
    if (response > LIMIT) {
      this.host.refused++;
      throw new PayloadError('ResponsePayloadSizeLimitExceeded');
    }
    this.host.maxResponseBytes = Math.max(this.host.maxResponseBytes, response);
  }
}

/** A proxy whose properties can be read only once loaded and synced. */
class Loadable {
  protected loaded = new Map<string, unknown>();
  protected get<T>(prop: string): T {
    if (!this.loaded.has(prop)) throw Object.assign(new Error(`PropertyNotLoaded: ${prop} was not loaded (call load("${prop}") and sync)`), { code: 'PropertyNotLoaded' });
    return this.loaded.get(prop) as T;
  }
}

class WorkbookProxy {
  readonly worksheets: WorksheetsProxy;
  readonly names: NamesProxy;
  readonly application: { suspendApiCalculationUntilNextSync: () => void };
  constructor(ctx: Context) {
    this.worksheets = new WorksheetsProxy(ctx);
    this.names = new NamesProxy(ctx);
    this.application = { suspendApiCalculationUntilNextSync: () => ctx.queue(10, () => void ctx.host.suspendedCalcSyncs++) };
  }
}

class WorksheetsProxy extends Loadable {
  constructor(private readonly ctx: Context) {
    super();
  }
  get items(): WorksheetProxy[] {
    return this.get('items');
  }
  load(_props: string): this {
    this.ctx.queue(20, () => {
      this.loaded.set('items', this.ctx.host.sheets.map((s) => new WorksheetProxy(this.ctx, s.name, { name: s.name })));
      return this.ctx.host.sheets.reduce((n, s) => n + s.name.length + 20, 0);
    });
    return this;
  }
  getItem(name: string): WorksheetProxy {
    return new WorksheetProxy(this.ctx, name);
  }
  add(name: string): WorksheetProxy {
    this.ctx.queue(name.length + 20, () => {
      if (this.ctx.host.sheets.some((s) => s.name === name)) throw Object.assign(new Error(`ItemAlreadyExists: ${name}`), { code: 'ItemAlreadyExists' });
      this.ctx.host.addSheet(name);
    });
    return new WorksheetProxy(this.ctx, name);
  }
}

class WorksheetProxy extends Loadable {
  readonly tables: { add: (address: string, hasHeaders: boolean) => TableProxy };
  readonly charts: { add: (type: string, source: RangeProxy, seriesBy?: string) => ChartProxy };
  readonly freezePanes: { freezeRows: (n: number) => void };
  constructor(
    private readonly ctx: Context,
    readonly sheetName: string,
    preloaded?: { name: string },
  ) {
    super();
    if (preloaded) this.loaded.set('name', preloaded.name);
    this.tables = {
      add: (address, hasHeaders) => {
        const t: FakeTable = { name: '', address, style: '', showTotals: false, totals: null };
        ctx.queue(address.length + 30, () => {
          if (!hasHeaders) throw new Error('the fake only knows tables with headers');
          this.sheet().tables.push(t);
        });
        return new TableProxy(ctx, this, t);
      },
    };
    this.charts = {
      add: (type, source, seriesBy) => {
        const c: FakeChart = { type, seriesBy: seriesBy ?? '(auto)', title: '', position: null, series: [], legend: null };
        ctx.queue(60, () => {
          this.sheet().charts.push(c);
          c.series.push({ name: '', values: source.address0, xValues: null });
        });
        return new ChartProxy(ctx, c);
      },
    };
    this.freezePanes = { freezeRows: (n) => ctx.queue(10, () => void (this.sheet().frozenRows = n)) };
  }
  get name(): string {
    return this.get('name');
  }
  sheet(): FakeSheet {
    return this.ctx.host.sheet(this.sheetName);
  }
  getRangeByIndexes(row: number, col: number, rows: number, cols: number): RangeProxy {
    return new RangeProxy(this.ctx, this, { row, col, lastRow: row + rows - 1, lastCol: col + cols - 1 });
  }
  getRange(address?: string): RangeProxy {
    return new RangeProxy(this.ctx, this, address ? parseAddress(address) : { row: 0, col: 0, lastRow: 1_048_575, lastCol: 16_383 });
  }
  getRanges(addresses: string): { conditionalFormats: CfCollection } {
    return { conditionalFormats: new CfCollection(this.ctx, this, addresses) };
  }
  getUsedRangeOrNullObject(_valuesOnly?: boolean): RangeProxy {
    const r = new RangeProxy(this.ctx, this, null);
    return r;
  }
  activate(): void {
    this.ctx.queue(10, () => void (this.sheet(), (this.ctx.host.active = this.sheetName)));
  }
  delete(): void {
    this.ctx.queue(10, () => {
      this.sheet();
      this.ctx.host.sheets = this.ctx.host.sheets.filter((s) => s.name !== this.sheetName);
    });
  }
}

class RangeProxy extends Loadable {
  readonly format: { columnWidth: number; font: { bold: boolean; size: number; color: string }; fill: { color: string } };
  readonly conditionalFormats: CfCollection;
  readonly dataValidation: DataValidationProxy;
  private readonly box: { row: number; col: number; lastRow: number; lastCol: number } | null;
  constructor(
    private readonly ctx: Context,
    private readonly ws: WorksheetProxy,
    box: { row: number; col: number; lastRow: number; lastCol: number } | null,
  ) {
    super();
    this.box = box;
    const self = this;
    const font = { set bold(v: boolean) { ctx.queue(10, () => { if (v) self.cells((r, c) => ws.sheet().bold.add(key(r, c))); }); }, set size(_v: number) { ctx.queue(10, () => undefined); }, set color(_v: string) { ctx.queue(10, () => undefined); } };
    this.format = {
      set columnWidth(v: number) { ctx.queue(10, () => void ws.sheet().widths.set(self.box!.col, v)); },
      set horizontalAlignment(v: string) { ctx.queue(10, () => self.cells((r, c) => void ws.sheet().aligned.set(key(r, c), v))); },
      font: font as never,
      fill: { set color(_v: string) { ctx.queue(10, () => undefined); } } as never,
    } as never;
    this.conditionalFormats = new CfCollection(ctx, ws, box ? addressOf(box) : '');
    this.dataValidation = new DataValidationProxy(ctx, ws, box ? addressOf(box) : '');
  }
  get address0(): string {
    return addressOf(this.box!);
  }
  private cells(fn: (r: number, c: number) => void): void {
    const b = this.box!;
    for (let r = b.row; r <= b.lastRow; r++) for (let c = b.col; c <= b.lastCol; c++) fn(r, c);
  }
  get isNullObject(): boolean {
    return this.get('isNullObject');
  }
  get values(): unknown[][] {
    return this.get('values');
  }
  set values(v: unknown[][]) {
    this.write(v, (r, c, x) => {
      const s = this.ws.sheet();
      (s.cells[r] ??= [])[c] = typeof x === 'string' && x.startsWith("'") ? x.slice(1) : x;
      if (typeof x === 'string' && x.startsWith('=')) s.formulas.set(key(r, c), x);
    });
  }
  set formulas(v: unknown[][]) {
    this.write(v, (r, c, x) => {
      const s = this.ws.sheet();
      if (typeof x === 'string' && x.startsWith('=')) s.formulas.set(key(r, c), x);
      else (s.cells[r] ??= [])[c] = x;
    });
  }
  set hyperlink(h: { documentReference?: string; textToDisplay?: string }) {
    const b = this.box!;
    this.ctx.queue(100, () => void (this.ws.sheet().links ??= new Map()).set(key(b.row, b.col), h));
  }
  set numberFormat(v: unknown[][]) {
    this.write(v, (r, c, x) => void this.ws.sheet().formats.set(key(r, c), String(x)));
  }
  private write(v: unknown[][], put: (r: number, c: number, x: unknown) => void): void {
    const b = this.box!;
    this.ctx.queue(bytes(v), () => {
      if (v.length !== b.lastRow - b.row + 1 || v.some((row) => row.length !== b.lastCol - b.col + 1)) {
        throw Object.assign(new Error(`InvalidArgument: ${v.length}×${v[0]?.length} values for ${addressOf(b)}`), { code: 'InvalidArgument' });
      }
      v.forEach((row, i) => row.forEach((x, j) => put(b.row + i, b.col + j, x)));
    });
  }
  /** ExcelApi 1.13: the merged ranges inside this range, as one RangeAreas address, or the null object. */
  getMergedAreasOrNullObject(): Loadable & { address: string; isNullObject: boolean } {
    const ws = this.ws;
    const self = this;
    const areas = new (class extends Loadable {
      get address(): string { return this.get('address'); }
      get isNullObject(): boolean { return this.get('isNullObject'); }
      load(_p: string) {
        self.ctx.queue(20, () => {
          const merges = ws.sheet().merges ?? [];
          this.loaded.set('isNullObject', merges.length === 0);
          const address = merges.map((m) => `'${ws.sheetName}'!${m}`).join(', ');
          this.loaded.set('address', address);
          return address.length + 20;
        });
        return this;
      }
    })();
    return areas;
  }
  get rowIndex(): number { return this.get('rowIndex'); }
  get columnIndex(): number { return this.get('columnIndex'); }
  get rowCount(): number { return this.get('rowCount'); }
  get columnCount(): number { return this.get('columnCount'); }
  load(props: string): this {
    this.ctx.queue(props.length + 20, () => {
      const s = this.ws.sheet();
      let box = this.box;
      if (!box) {
        // The used range (values only): the bounding box of the non-empty cells, or the null object.
        let r0 = Infinity, c0 = Infinity, r1 = -1, c1 = -1;
        s.cells.forEach((row, r) => row?.forEach((x, c) => {
          if (x === '' || x === null || x === undefined) return;
          r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c);
        }));
        this.loaded.set('isNullObject', r1 < 0);
        if (r1 < 0) return 20;
        box = { row: r0, col: c0, lastRow: r1, lastCol: c1 };
      } else {
        this.loaded.set('isNullObject', false);
      }
      this.loaded.set('rowIndex', box.row);
      this.loaded.set('columnIndex', box.col);
      this.loaded.set('rowCount', box.lastRow - box.row + 1);
      this.loaded.set('columnCount', box.lastCol - box.col + 1);
      if (props.split(',').map((p) => p.trim()).includes('values')) {
        const v = this.ctx.host.values(this.ws.sheetName, addressOf(box));
        this.loaded.set('values', v);
        return bytes(v);
      }
      return 60;
    });
    return this;
  }
  select(): void {
    this.ctx.queue(20, () => void (this.ws.sheet(), (this.ctx.host.selection = { sheet: this.ws.sheetName, address: addressOf(this.box!) })));
  }
}

class DataValidationProxy extends Loadable {
  constructor(
    private readonly ctx: Context,
    private readonly ws: WorksheetProxy,
    private readonly address: string,
  ) {
    super();
  }
  private entry() {
    return this.ws.sheet().validations.get(this.address);
  }
  get type(): string {
    return this.get('type');
  }
  get prompt(): { showPrompt: boolean; title: string; message: string } {
    return this.get('prompt');
  }
  set prompt(p: { showPrompt: boolean; title: string; message: string }) {
    this.ctx.queue(JSON.stringify(p).length, () => {
      const v = this.ws.sheet().validations;
      v.set(this.address, { type: v.get(this.address)?.type ?? 'None', prompt: p });
    });
  }
  load(props: string): this {
    this.ctx.queue(20, () => {
      const e = this.entry();
      if (props.includes('type')) this.loaded.set('type', e?.type ?? 'None');
      if (props.includes('prompt')) this.loaded.set('prompt', e?.prompt ?? { showPrompt: false, title: '', message: '' });
      return 60;
    });
    return this;
  }
  clear(): void {
    this.ctx.queue(10, () => void this.ws.sheet().validations.delete(this.address));
  }
}

class CfCollection extends Loadable {
  constructor(
    private readonly ctx: Context,
    private readonly ws: WorksheetProxy,
    private readonly addresses: string,
  ) {
    super();
  }
  get items(): CfProxy[] {
    return this.get('items');
  }
  add(type: string): CfProxy {
    const cf: FakeCf = { type, addresses: this.addresses, formula: '', fill: null, font: null, deleted: false };
    this.ctx.queue(this.addresses.length + 40, () => void this.ws.sheet().cfs.push(cf));
    return new CfProxy(this.ctx, this.ws, cf);
  }
  load(_props: string): this {
    this.ctx.queue(20, () => {
      const list = this.ws.sheet().cfs.filter((c) => !c.deleted);
      this.loaded.set('items', list.map((c) => new CfProxy(this.ctx, this.ws, c, true)));
      return list.length * 30;
    });
    return this;
  }
}

class CfProxy extends Loadable {
  readonly custom: { rule: { formula: string; load: (p: string) => void }; format: { fill: { color: string }; font: { color: string } } };
  constructor(
    private readonly ctx: Context,
    ws: WorksheetProxy,
    private readonly cf: FakeCf,
    typeLoaded = false,
  ) {
    super();
    if (typeLoaded) this.loaded.set('type', cf.type);
    const rule = new (class extends Loadable {
      get formula(): string { return this.get('formula'); }
      set formula(v: string) { ctx.queue(v.length, () => void (cf.formula = v)); }
      load(_p: string) { ctx.queue(20, () => { this.loaded.set('formula', cf.formula); return cf.formula.length; }); }
    })();
    this.custom = {
      rule,
      format: {
        fill: { set color(v: string) { ctx.queue(10, () => void (cf.fill = v)); } } as never,
        font: { set color(v: string) { ctx.queue(10, () => void (cf.font = v)); } } as never,
      },
    };
    void ws;
  }
  get type(): string {
    return this.get('type');
  }
  delete(): void {
    this.ctx.queue(10, () => void (this.cf.deleted = true));
  }
}

class TableProxy {
  constructor(
    private readonly ctx: Context,
    private readonly ws: WorksheetProxy,
    private readonly t: FakeTable,
  ) {}
  set name(v: string) { this.ctx.queue(v.length, () => void (this.t.name = v)); }
  set style(v: string) { this.ctx.queue(v.length, () => void (this.t.style = v)); }
  set showTotals(v: boolean) { this.ctx.queue(10, () => void (this.t.showTotals = v)); }
  getTotalRowRange(): RangeProxy {
    const b = parseAddress(this.t.address);
    const r = new RangeProxy(this.ctx, this.ws, { row: b.lastRow + 1, col: b.col, lastRow: b.lastRow + 1, lastCol: b.lastCol });
    return r;
  }
}

class ChartProxy {
  readonly title: { text: string };
  readonly legend: { position: string };
  readonly series: { getItemAt: (i: number) => SeriesProxy; add: (name: string) => SeriesProxy };
  constructor(
    private readonly ctx: Context,
    private readonly c: FakeChart,
  ) {
    this.title = { set text(v: string) { ctx.queue(v.length, () => void (c.title = v)); } } as never;
    this.legend = { set position(v: string) { ctx.queue(10, () => void (c.legend = v)); } } as never;
    this.series = {
      getItemAt: (i) => new SeriesProxy(ctx, () => c.series[i]!),
      add: (name) => {
        const s = { name, values: '', xValues: null as string | null };
        ctx.queue(name.length + 20, () => void c.series.push(s));
        return new SeriesProxy(ctx, () => s);
      },
    };
  }
  setPosition(start: string, end: string): void {
    this.ctx.queue(20, () => void (this.c.position = [start, end]));
  }
}

class SeriesProxy {
  constructor(
    private readonly ctx: Context,
    private readonly s: () => FakeChart['series'][number],
  ) {}
  set name(v: string) { this.ctx.queue(v.length, () => void (this.s().name = v)); }
  setValues(r: RangeProxy): void { this.ctx.queue(20, () => void (this.s().values = r.address0)); }
  setXAxisValues(r: RangeProxy): void { this.ctx.queue(20, () => void (this.s().xValues = r.address0)); }
}

class NamesProxy extends Loadable {
  constructor(private readonly ctx: Context) {
    super();
  }
  get items(): { name: string; formula: string; delete: () => void }[] {
    return this.get('items');
  }
  load(_props: string): this {
    this.ctx.queue(20, () => {
      this.loaded.set('items', this.ctx.host.names.map((n) => ({ name: n.name, formula: n.formula, delete: () => this.ctx.queue(10, () => void (this.ctx.host.names = this.ctx.host.names.filter((x) => x !== n))) })));
      return this.ctx.host.names.length * 40;
    });
    return this;
  }
  add(name: string, ref: RangeProxy, comment = ''): { visible: boolean } {
    const n: FakeName = { name, formula: '', visible: true, comment };
    this.ctx.queue(name.length + 40, () => {
      if (this.ctx.host.names.some((x) => x.name === name)) throw Object.assign(new Error(`ItemAlreadyExists: ${name}`), { code: 'ItemAlreadyExists' });
      n.formula = `='${(ref as unknown as { ws: WorksheetProxy }).ws.sheetName.replace(/'/g, "''")}'!$A$1`;
      this.ctx.host.names.push(n);
    });
    return { set visible(v: boolean) { n.visible = v; } } as never;
  }
}
