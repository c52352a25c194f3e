/** Every migration, in order. Listed here rather than globbed so that tsx and compiled runs agree. */
import * as initial from './001-initial';
import * as reconciliations from './002-reconciliations';
import * as auditAppendOnly from './003-audit-append-only';
import * as assetUnits from './004-asset-units';
import * as tokenLife from './005-token-life';

export const MIGRATIONS = [
  { name: '001-initial', ...initial },
  { name: '002-reconciliations', ...reconciliations },
  { name: '003-audit-append-only', ...auditAppendOnly },
  { name: '004-asset-units', ...assetUnits },
  { name: '005-token-life', ...tokenLife },
];
