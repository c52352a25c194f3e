/** Every migration, in order. Listed here rather than globbed so that tsx and compiled runs agree. */
import * as initial from './001-initial';

export const MIGRATIONS = [{ name: '001-initial', ...initial }];
