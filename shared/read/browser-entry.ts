/**
 * What a browser page needs to read a workbook and check it — the web workbench's reading core,
 * and the bundle the browser test loads: the same reader and core as the CLI, no Node API.
 */
export { openWorkbook } from './workbook-file';
export { readErrorMessage, ReadError } from './read-error';
export { readAllSheets } from '../workbook';
export { checkWorkbook } from '../check';
