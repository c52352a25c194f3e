/** Whether a number format shows a date or time: such a number is read as a date (an Excel serial). */

// Built-in formats that are dates or times: 14–22 and 45–47 everywhere, 27–36 and 50–58 in the
// Chinese, Japanese and Korean locales (`yyyy"年"m"月"`, …), where our clerks' files come from.
const BUILTIN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

export function isDateFormatId(id: number): boolean {
  return BUILTIN_DATES.has(id);
}

/** A format code with a date or time token outside quotes, escapes and brackets ([Red], [$-804]). */
export function isDateFormatCode(code: string): boolean {
  const section = code.split(';')[0] ?? '';
  const bare = section
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[(?:h+|m+|s+)\]/gi, 'h') // elapsed time [h]:mm is a time
    .replace(/\[[^\]]*\]/g, '');
  return /[ymdhs]/i.test(bare.replace(/general/gi, ''));
}
