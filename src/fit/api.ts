/**
 * The public surface of the law-fitting stage, in commented groups, for `src/index.ts` to re-export.
 */

// Laws: the registry, the built-in laws and user expressions.
export { BUILTIN_LAWS, maybeLaw, entropyExp, entropyExp3, entropyLinear, expressionLaw, powerLaw, scaleRlSigmoid } from './laws/index.ts';
export type { ExpressionLawOptions, Law, LawData } from './laws/index.ts';

// Expressions: parser and compiler with reverse-mode derivatives.
export { parseExpression } from './expression/parse.ts';
export type { Expr } from './expression/parse.ts';
export { compileExpression } from './expression/compile.ts';
export type { CompiledExpression } from './expression/compile.ts';

// Fitting: the nonlinear engine and the entry points the command line calls.
export { fitLaw } from './nonlinear/fit-law.ts';
export type { FitLawOptions } from './nonlinear/fit-law.ts';
export type { RobustOptions } from './nonlinear/robust.ts';
export { levenbergMarquardt, STOP_REASONS } from './nonlinear/lmder.ts';
export type { LeastSquaresProblem, LevenbergMarquardtOptions, LevenbergMarquardtResult } from './nonlinear/lmder.ts';
export { bootstrapLawToColumns, fitLawToColumns, parseStart } from './fit-columns.ts';
export type { FitColumnsOptions } from './fit-columns.ts';

// Uncertainty: delta-method bands and ceiling, seeded bootstrap.
export { lawCeiling, predictionBand } from './uncertainty/prediction-band.ts';
export type { Band, PredictionBandOptions } from './uncertainty/prediction-band.ts';
export { bootstrapLaw } from './uncertainty/bootstrap.ts';
export type { BootstrapInterval, BootstrapOptions, BootstrapResult } from './uncertainty/bootstrap.ts';

// Model choice and comparisons across runs.
export { compareLaws } from './compare/compare-laws.ts';
export type { CompareLawsOptions, LawChoice, LawComparison, LawSeries } from './compare/compare-laws.ts';
export { pooledVsSeparate } from './compare/pooled.ts';
export type { PooledOptions, PooledTest } from './compare/pooled.ts';
export { jointLaw } from './compare/joint-law.ts';
export { coefficientScaling, fitLogLinear, predictLogLinear } from './compare/scaling.ts';
export type { LogLinearFit, LogLinearOptions, LogLinearPrediction } from './compare/scaling.ts';
export { fSurvival } from './compare/f-distribution.ts';
