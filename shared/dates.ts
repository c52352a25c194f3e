/** Calendar dates as ISO `YYYY-MM-DD` strings: they sort and compare as text. */

export type IsoDate = string & { readonly __iso: 'date' };

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** The ISO date of y-m-d, or null when no such day exists (2024-02-30). */
export function isoDate(y: number, m: number, d: number): IsoDate | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1 || y > 9999) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}` as IsoDate;
}

const SERIAL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Excel 1900-system serial → date. Serial 60 is Excel's fictitious 1900-02-29: no such day. */
export function isoOfSerial(serial: number): IsoDate | null {
  const day = Math.floor(serial);
  if (day < 1 || day > 2_958_465 || day === 60) return null;
  // Serials below 60 lie before the fake leap day, so they count from one day later.
  const t = new Date(SERIAL_EPOCH_MS + (day < 60 ? day + 1 : day) * 86_400_000);
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const t = new Date(Date.parse(date + 'T00:00:00Z') + days * 86_400_000);
  return isoDate(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())!;
}

/** Last day of a `YYYY-MM` period. */
export function lastDayOfMonth(year: number, month: number): IsoDate {
  const t = new Date(Date.UTC(year, month, 0));
  return isoDate(year, month, t.getUTCDate())!;
}

/** `YYYY-MM` → its last day, or null when the text is no such month. */
export function asOfOfPeriod(period: string): IsoDate | null {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return null;
  const y = +m[1]!;
  const mo = +m[2]!;
  return mo >= 1 && mo <= 12 && y >= 2000 && y <= 2100 ? lastDayOfMonth(y, mo) : null;
}

export function yearOf(date: IsoDate): number {
  return +date.slice(0, 4);
}

/** `YYYY-MM-DD HH:MM` in the local time of the Date given (the caller reads the clock). */
/** The deployment's time zone (analysis.md "Display"): TZ, else China's. */
export function deploymentZone(env: Record<string, string | undefined>): string {
  return env.TZ || 'Asia/Shanghai';
}

/** This month on the desk's own clock (`2024-06`): a pane's or workbench's default period. */
export function currentMonth(d = new Date()): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export function localTimestamp(d: Date, timeZone?: string): string {
  if (timeZone) {
    try {
      const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(d);
      const part = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
      return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
    } catch {
      // Not a zone this runtime knows: the machine's own clock, below.
    }
  }
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
