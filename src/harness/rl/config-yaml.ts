import { stringify } from 'yaml';
import type { ModelConfig } from '../config.ts';
import { paramLayout } from '../layout.ts';
import type { ResolvedTrainOptions } from './train.ts';

/** verl's names of our advantage estimators and losses (`algorithm.adv_estimator`, `policy_loss.loss_mode`). */
const VERL_ESTIMATOR = { grpo: 'grpo', rloo: 'rloo', 'reinforce++': 'reinforce_plus_plus' } as const;
const VERL_LOSS_MODE = { ppo: 'vanilla', 'clip-cov': 'clip_cov', 'kl-cov': 'kl_cov' } as const;

/**
 * Parameter counts: all of them, and without the token and position embeddings and the unembedding
 * (how Cui et al. count model size).
 * @example
 * parameterCount({ layers: 1, width: 8, heads: 2, context: 4, vocab: 5 }).total // => 1000
 */
export function parameterCount(config: ModelConfig): { total: number; nonEmbedding: number } {
  const L = paramLayout(config);
  const total = L.slots.reduce((s, slot) => s + slot.size, 0);
  return { total, nonEmbedding: total - L.wte.size - L.wpe.size - L.wout.size };
}

/**
 * The run's configuration as a verl/Hydra `config.yaml`: verl's keys where verl has one
 * (`actor_rollout_ref.actor.policy_loss.loss_mode`, `algorithm.adv_estimator`, `data.train_files`,
 * `trainer.seed`, …), so the toolkit's metadata reader finds the model size (`model.num_parameters`),
 * the algorithm and the task (as the data set) without options; our own keys beside them.
 */
export function configYaml(o: ResolvedTrainOptions, model: ModelConfig, warmStart: string): string {
  const count = parameterCount(model);
  const l = o.loss;
  const config = {
    data: {
      train_files: o.dataset,
      val_files: o.dataset,
      task_description: o.task.description,
      train_batch_size: o.prompts,
      val_size: o.valSize,
      max_prompt_length: o.task.promptLen,
      max_response_length: o.task.answerLen,
    },
    actor_rollout_ref: {
      model: {
        path: `entropy-law-transformer-${model.layers}x${model.width}`,
        warm_start: warmStart,
        num_parameters: count.total,
        num_parameters_non_embedding: count.nonEmbedding,
        layers: model.layers,
        width: model.width,
        heads: model.heads,
        context: model.context,
        vocab: model.vocab,
      },
      actor: {
        device: o.device,
        threads: o.threads,
        ppo_mini_batch_size: o.prompts / o.miniBatches,
        ppo_epochs: o.ppoEpochs,
        clip_ratio_low: l.clipLow,
        clip_ratio_high: l.clipHigh,
        clip_ratio_c: l.clipRatioC,
        loss_agg_mode: 'token-mean',
        entropy_coeff: l.entropyCoef,
        policy_loss: {
          loss_mode: VERL_LOSS_MODE[l.loss],
          clip_cov_ratio: l.clipCovRatio,
          clip_cov_lb: l.clipCovLb,
          clip_cov_ub: l.clipCovUb,
          kl_cov_ratio: l.klCovRatio,
          ppo_kl_coef: l.klCoef,
        },
        optim: {
          lr: o.adam.lr,
          betas: [o.adam.beta1, o.adam.beta2],
          eps: o.adam.eps,
          weight_decay: o.adam.weightDecay,
        },
      },
      rollout: {
        n: o.samples,
        temperature: o.temperature,
        response_length: o.task.answerLen,
        val_kwargs: { do_sample: o.valTemperature > 0, temperature: o.valTemperature, n: 1 },
      },
    },
    algorithm: {
      adv_estimator: VERL_ESTIMATOR[o.algo],
      norm_adv_by_std_in_grpo: true,
      gamma: 1,
    },
    trainer: {
      project_name: 'entropy-law',
      experiment_name: o.name,
      total_training_steps: o.steps,
      test_freq: o.valEvery,
      seed: o.seed,
      device: o.device,
      logger: ['file'],
      cov_top_fraction: o.covTopFraction,
    },
  };
  return `# entropy-law train: this run's configuration, in verl's Hydra layout (verl's keys where verl has one)\n${stringify(config)}`;
}
