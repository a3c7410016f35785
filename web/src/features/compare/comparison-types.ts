import type { ModelSummary } from '../../api/types.js';

/** `GET /api/compare?models=a,b,c`: aligned rows over the models' shared benchmarks. */
export interface Comparison {
  models: ModelSummary[];
  rows: Array<{
    benchmark: string;
    benchmarkIds: string[];
    category: string;
    metric: string;
    shots: number | null;
    setting: string;
    direction: 'higher' | 'lower';
    values: Array<number | null>;
    /** Best value, or within 0.3 of it (the same level). */
    best: boolean[];
  }>;
  categories: Array<{ category: string; benchmarks: number; wins: number[]; averages: Array<number | null> }>;
}
