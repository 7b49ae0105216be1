/**
 * The training harness: a small decoder-only transformer policy that trains and samples on the CPU or
 * on WebGPU, verifiable tasks, checkpoints and the supervised warm start RL begins from.
 */

// Model
export { DEFAULT_MODEL, MLP_RATIO, resolveModelConfig, type ModelConfig } from './config.ts';
export { ALIGN, paramLayout, type ParamLayout, type TensorSlot } from './layout.ts';
export { initParams } from './init.ts';
export { createPolicy, type DeviceName } from './policy.ts';
export {
  DEFAULT_ADAMW, type AdamWOptions, type Batch, type ForwardResult, type Policy, type PolicyState, type SampleOptions, type SampleResult, type TokenLoss, type TokenOutputs,
} from './types.ts';

// Backends
export { CpuPolicy } from './cpu/backend.ts';
export { GpuPolicy } from './webgpu/backend.ts';
export { gpuContext, SWIFTSHADER_ICD, type GpuContext } from './webgpu/device.ts';
export { PipelineCache } from './webgpu/pipeline-cache.ts';
export type { Kernel, KernelLimits } from './webgpu/kernel.ts';

// Tasks
export { CharTokenizer } from './tasks/tokenizer.ts';
export { reward, type Problem, type Task } from './tasks/task.ts';
export { TASK_NAMES, addTask, drawTrain, isValidation, maybeTask, modTask, sortTask, supervisedBatch, validationSet, type TaskName } from './tasks/index.ts';
export { evaluate, type EvaluateOptions, type Evaluation } from './evaluate.ts';

// Checkpoints and the warm start
export { encodeCheckpoint, loadCheckpoint, parseCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.ts';
export { learningRate, pretrain, type PretrainOptions, type PretrainResult } from './pretrain.ts';

// Reinforcement learning: advantages, policy losses, the trainer, its logs
export { ADVANTAGE_ESTIMATORS, advantages, type AdvantageEstimator, type AdvantageInput, type AdvantageOptions } from './rl/advantages.ts';
export { covarianceSummary, groupCovariance, selectionCount, tokenCovariance, topCovariance, type TokenCovariance } from './rl/covariance.ts';
export { POLICY_LOSSES, lossOptions, policyLoss, type PolicyLossInput, type PolicyLossName, type PolicyLossOptions, type PolicyLossResult } from './rl/losses.ts';
export { rollout, type Rollout, type RolloutOptions } from './rl/rollout.ts';
export { configYaml, parameterCount } from './rl/config-yaml.ts';
export { RL_ADAMW, resolveTrainOptions, stepSeed, train, type ResolvedTrainOptions, type StepRecord, type TrainOptions, type TrainResult } from './rl/train.ts';
export { TRAIN_KEYS, parseTrainValue, trainDefault, trainOptionsFrom, type TrainKey } from './rl/train-keys.ts';
export { formatDuration, formatSweepProgress, planSweep, readSweep, sweep, type PlannedRun, type SweepJob, type SweepOptions, type SweepProgress, type SweepResult } from './rl/sweep.ts';
