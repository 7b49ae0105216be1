import type { Backtest } from './backtest.ts';

/** One row of a run's backtest in JSON (snake_case, as `backtest --json` prints it). */
export interface BacktestRowJson {
  fraction: number;
  fit_points: number;
  rmse: number | null;
  final_error: number | null;
  coverage90: number | null;
}

/** The backtest in JSON: per run its rows and the paper-protocol score, then the summary. */
export interface BacktestJson {
  mode: 'time' | 'entropy';
  runs: {
    run: string;
    points: number;
    backtest: BacktestRowJson[];
    paper15: { fit_points: number; rmse: number | null; final_error: number | null; coverage90: number | null };
    warnings: string[];
  }[];
  summary: {
    by_fraction: { fraction: number; runs: number; mean_rmse: number | null; median_rmse: number | null; mean_final_error: number | null; coverage90: number | null }[];
    coverage90: number | null;
    paper15_mean_rmse: number | null;
  };
}

/**
 * The JSON form of a backtest: each run's rows as exactly {fraction, fit_points, rmse, final_error,
 * coverage90}, its paper-protocol score (`paper15`) and warnings, and the summary over runs. The coverage
 * keys say 90 because that is the default level; they hold the coverage at the backtest's `confidence`.
 * @example backtestJson(backtest([series])).summary.coverage90 // => 0.9...
 */
export function backtestJson(b: Backtest): BacktestJson {
  return {
    mode: b.mode,
    runs: b.runs.map((r) => ({
      run: r.run,
      points: r.points,
      backtest: r.rows.map((x) => ({ fraction: x.fraction, fit_points: x.fitPoints, rmse: x.rmse, final_error: x.finalError, coverage90: x.coverage })),
      paper15: { fit_points: r.paper.fitPoints, rmse: r.paper.rmse, final_error: r.paper.finalError, coverage90: r.paper.coverage },
      warnings: r.warnings.map((w) => w.message),
    })),
    summary: {
      by_fraction: b.byFraction.map((f) => ({
        fraction: f.fraction,
        runs: f.runs,
        mean_rmse: f.meanRmse,
        median_rmse: f.medianRmse,
        mean_final_error: f.meanFinalError,
        coverage90: f.coverage,
      })),
      coverage90: b.coverage,
      paper15_mean_rmse: b.paperMeanRmse,
    },
  };
}
