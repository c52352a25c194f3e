/** The corrections a CLI run reads a workbook with: those its clerk saved in it (the pane's), then --map FILE over them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Corrections, CorrectionError, correctionMessage, corrections, correctionsOfSettings, parseMapText } from '../shared/corrections';
import { Lang } from '../shared/findings';
import { SheetGrid } from '../shared/workbook';
import { WorkbookFile } from '../shared/read/workbook-file';
import { UsageError } from './args';

export const MAP_OPTION = { map: { type: 'string' } } as const;

export function readCorrections(book: WorkbookFile, grids: readonly SheetGrid[], mapFile: string | undefined, lang: Lang): Corrections {
  const stored = corrections(correctionsOfSettings(book.settings), grids, false);
  if (mapFile === undefined) return stored;
  let text: string;
  try {
    text = readFileSync(mapFile, 'utf8');
  } catch {
    throw new UsageError({ zh: `无法读取 --map 文件 ${mapFile}：请检查路径`, en: `cannot read the --map file ${mapFile}: check the path` });
  }
  try {
    const given = corrections(parseMapText(text), grids, true);
    // Per sheet, the file's word is the last: it replaces what was stored for that sheet.
    return {
      kinds: { ...stored.kinds, ...given.kinds },
      headerRows: { ...stored.headerRows, ...given.headerRows },
      columns: { ...stored.columns, ...given.columns },
    };
  } catch (e) {
    if (e instanceof CorrectionError) throw new UsageError({ zh: correctionMessage(e, path.basename(mapFile), 'zh'), en: correctionMessage(e, path.basename(mapFile), 'en') });
    throw e;
  }
}
