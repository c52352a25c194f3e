/** A deployment's reference override file, checked with zod (CLI and service; the pane uses the defaults). */
import { z } from 'zod';
import { DEFAULT_REFERENCE, ReferenceData, withOverrides } from './reference';
import { IssueLike, issueZh } from './schema-words';
import type { Said } from './said-error';

const count = z.number().int().nonnegative();
const OverridesSchema = z
  .object({
    $comment: z.string().optional(),
    econ_classes: z.record(z.string().regex(/^\d{3,7}$/), z.string().min(1), { error: (i) => (i.code === 'invalid_key' ? 'expected an economic class code of digits (30201)' : undefined) }).optional(),
    sangong_classes: z.array(z.string().regex(/^\d{3,7}$/)).optional(),
    catalogue_2022: z.record(z.string().min(1), z.string().min(1)).optional(),
    catalogue_2013: z.record(z.string().min(1), z.string().min(1)).optional(),
    method_policy: z.array(z.object({ catalogue: z.enum(['2013', '2022']), prefix: z.string().min(1), method: z.string().min(1) }).strict()).optional(),
    thresholds: z.object({ public_tender_fen: count, capitalisation_fen: count, split_window_days: count, unpaid_contract_days: count }).partial().strict().optional(),
    useful_life_years: z.array(z.object({ prefix: z.string(), years: z.number().int().positive() }).strict()).optional(),
  })
  .strict();

/**
 * A deployment's override file (JSON) applied to the defaults, or the first problem in it named by
 * its path (`thresholds.public_tender_fen: expected number`).
 */
export function referenceWithOverrides(json: unknown, base: ReferenceData = DEFAULT_REFERENCE): { ok: true; ref: ReferenceData } | { ok: false; problem: Said } {
  const r = OverridesSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.join('.') : '';
    return { ok: false, problem: { zh: `${at || '顶层'}：${issueZh(issue as IssueLike)}`, en: `${at || '(top level)'}: ${issue.message}` } };
  }
  const { $comment: _comment, ...over } = r.data;
  return { ok: true, ref: withOverrides(base, over as Partial<ReferenceData>) };
}
