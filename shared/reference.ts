/** Reference data (reference.md): shipped defaults, overridable per deployment. */
import defaults from './reference-defaults.json';

export interface ReferenceData {
  econ_classes: Record<string, string>;
  sangong_classes: string[];
  catalogue_2022: Record<string, string>;
  catalogue_2013: Record<string, string>;
  method_policy: { catalogue: '2013' | '2022'; prefix: string; method: string }[];
  thresholds: {
    public_tender_fen: number;
    capitalisation_fen: number;
    split_window_days: number;
    unpaid_contract_days: number;
  };
  useful_life_years: { prefix: string; years: number }[];
}

export const DEFAULT_REFERENCE: ReferenceData = defaults as ReferenceData;

/** A deployment's overrides replace whole top-level entries; thresholds merge key by key. */
export function withOverrides(base: ReferenceData, over: Partial<ReferenceData>): ReferenceData {
  return { ...base, ...over, thresholds: { ...base.thresholds, ...(over.thresholds ?? {}) } };
}
