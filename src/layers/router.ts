import type { RandomSource } from './types.js';

/**
 * Difficulty labels as small integers, so per-label tables are plain array lookups.
 * The order is also the strength order of the default tiers (trivial -> cheapest model).
 */
export const Difficulty = { Trivial: 0, Standard: 1, Complex: 2 } as const;

/** Human-readable names of the difficulty labels, indexed by label. */
export const DIFFICULTY_NAMES = ['trivial', 'standard', 'complex'] as const;

/** Number of difficulty labels; labels are the integers `0 .. DIFFICULTY_COUNT - 1`. */
export const DIFFICULTY_COUNT = DIFFICULTY_NAMES.length;

/** The classifier that labels a request before routing, and how often it is right. */
export interface ClassifierOptions {
  /** P(label == true difficulty), in [0, 1]. */
  accuracy: number;
  /** The cheap model the classifier call itself runs on (the simulator charges it). */
  model: string;
}

/** Quality fallback: a cheaper model's answer fails an eval check and is retried on a stronger one. */
export interface QualityFallbackOptions {
  /** P(eval check fails) per model name, each in [0, 1]; a model not listed never fails. */
  failRate: Record<string, number>;
}

/** Configuration of a {@link ModelRouter}. */
export interface RouterOptions {
  /** The difficulty classifier; `null` routes on the true difficulty (an oracle, for upper bounds). */
  classifier: ClassifierOptions | null;
  /** The model each difficulty label is routed to first. */
  tiers: { trivial: string; standard: string; complex: string };
  /** Ordered weakest -> strongest list of models; the chain a call moves along on failure. */
  fallback: readonly string[];
  /** Whether, after the stronger models, a call may also fall back to weaker ones (strongest first). */
  fallbackDownward: boolean;
  /** Eval-check failure model; `null` disables quality fallback. */
  qualityFallback: QualityFallbackOptions | null;
}

/**
 * Defaults: the essay's Haiku / Sonnet / Opus tiers with the full chain as fallback.
 * The classifier and quality fallback are off by default because their numbers
 * (accuracy, fail rates) are properties of a deployment that a scenario must state.
 */
export const ROUTER_DEFAULTS = {
  classifier: null,
  tiers: { trivial: 'haiku', standard: 'sonnet', complex: 'opus' },
  fallback: ['haiku', 'sonnet', 'opus'],
  fallbackDownward: true,
  qualityFallback: null,
} as const satisfies RouterOptions;

/**
 * Routes a request to a model by difficulty and gives the ordered list of models to try.
 * All tables are resolved to integer model ids at construction so the per-request
 * methods are array lookups and at most one random draw, with no allocation.
 */
export class ModelRouter {
  /** All model names; a model's id is its index here. */
  readonly models: readonly string[];
  /** Id of the model the classifier call runs on, or -1 without a classifier. */
  readonly classifierModelId: number;
  /** Whether quality fallback is configured at all (the simulator can skip the check otherwise). */
  readonly qualityFallbackEnabled: boolean;

  private readonly random: RandomSource;
  private readonly accuracy: number;
  private readonly hasClassifier: boolean;
  /** Frozen target lists, indexed by label; returned as-is by {@link targets}. */
  private readonly targetsByLabel: ReadonlyArray<readonly number[]>;
  private readonly chainByModel: ReadonlyArray<readonly number[]>;
  /** Next stronger model id in the fallback chain, indexed by model id; -1 if none. */
  private readonly strongerById: Int32Array;
  /** P(eval check fails), indexed by model id; 0 for unlisted models. */
  private readonly failRateById: Float64Array;

  constructor(random: RandomSource, models: readonly string[], options: Partial<RouterOptions> = {}) {
    const o: RouterOptions = {
      classifier: options.classifier === undefined ? ROUTER_DEFAULTS.classifier : options.classifier,
      tiers: options.tiers ?? ROUTER_DEFAULTS.tiers,
      fallback: options.fallback ?? ROUTER_DEFAULTS.fallback,
      fallbackDownward: options.fallbackDownward ?? ROUTER_DEFAULTS.fallbackDownward,
      qualityFallback:
        options.qualityFallback === undefined ? ROUTER_DEFAULTS.qualityFallback : options.qualityFallback,
    };
    this.random = random;
    this.models = [...models];

    const idOf = new Map<string, number>();
    models.forEach((name, id) => {
      if (idOf.has(name)) throw new RangeError(`models must be unique, got '${name}' twice`);
      idOf.set(name, id);
    });
    const resolve = (name: string, option: string): number => {
      const id = idOf.get(name);
      if (id === undefined) {
        throw new RangeError(`${option} names unknown model '${name}' (models: ${models.join(', ')})`);
      }
      return id;
    };

    // Classifier.
    if (o.classifier !== null) {
      const { accuracy, model } = o.classifier;
      if (!(accuracy >= 0 && accuracy <= 1)) {
        throw new RangeError(`classifier.accuracy must be in [0, 1], got ${accuracy}`);
      }
      this.hasClassifier = true;
      this.accuracy = accuracy;
      this.classifierModelId = resolve(model, 'classifier.model');
    } else {
      this.hasClassifier = false;
      this.accuracy = 1;
      this.classifierModelId = -1;
    }

    // Fallback chain: position of each model in it, -1 if absent.
    const chain = o.fallback.map((name, i) => resolve(name, `fallback[${i}]`));
    const chainPos = new Int32Array(models.length).fill(-1);
    chain.forEach((id, pos) => {
      if (chainPos[id] !== -1) throw new RangeError(`fallback must not repeat a model, got '${models[id]}' twice`);
      chainPos[id] = pos;
    });
    this.strongerById = new Int32Array(models.length).fill(-1);
    for (let pos = 0; pos + 1 < chain.length; pos++) this.strongerById[chain[pos]!] = chain[pos + 1]!;

    // Targets per label: tier model, then stronger ones in chain order, then
    // (optionally) weaker ones strongest first -- a weaker answer beats no answer
    // when every stronger model is rate-limited or down.
    this.chainByModel = models.map((_, first) => {
      const pos = chainPos[first]!;
      if (pos === -1) return Object.freeze([first]);
      const list = chain.slice(pos);
      if (o.fallbackDownward) list.push(...chain.slice(0, pos).reverse());
      return Object.freeze(list);
    });
    const tierNames = [o.tiers.trivial, o.tiers.standard, o.tiers.complex];
    this.targetsByLabel = tierNames.map((name, label) => this.chainByModel[resolve(name, `tiers.${DIFFICULTY_NAMES[label]}`)]!);

    // Quality fallback.
    this.failRateById = new Float64Array(models.length);
    this.qualityFallbackEnabled = o.qualityFallback !== null;
    if (o.qualityFallback !== null) {
      for (const [name, rate] of Object.entries(o.qualityFallback.failRate)) {
        const id = resolve(name, `qualityFallback.failRate.${name}`);
        if (!(rate >= 0 && rate <= 1)) {
          throw new RangeError(`qualityFallback.failRate.${name} must be in [0, 1], got ${rate}`);
        }
        this.failRateById[id] = rate;
      }
    }
  }

  /**
   * The label the classifier gives a request of the given true difficulty.
   * Error model: with probability `accuracy` the true label, otherwise one of the two
   * other labels uniformly (a confusion matrix with equal off-diagonal entries). Without
   * a classifier this is an oracle: it returns the true label and draws nothing.
   * Precondition: `trueDifficulty` is a label in 0..2 (unchecked on this hot path).
   * `draw` replaces the random source's next value (a simulator passes a keyed draw so
   * the same request is classified the same way in every variant).
   */
  classify(trueDifficulty: number, draw?: number): number {
    if (!this.hasClassifier) return trueDifficulty;
    // One draw decides both whether and how the classifier errs: conditional on
    // u >= accuracy, (u - accuracy) / (1 - accuracy) is uniform in [0, 1).
    const u = draw ?? this.random();
    if (u < this.accuracy) return trueDifficulty;
    const v = (u - this.accuracy) / (1 - this.accuracy);
    const offset = v < 0.5 ? 1 : 2; // the other two labels, each with probability 1/2
    return (trueDifficulty + offset) % DIFFICULTY_COUNT;
  }

  /**
   * Model ids to try, in order, for a request with this label: the tier's model, the
   * stronger models after it in `fallback`, then (if `fallbackDownward`) the weaker ones,
   * strongest first. A tier model not in `fallback` yields only itself.
   * Returns the same frozen array on every call; precondition: `label` in 0..2.
   */
  targets(label: number): readonly number[] {
    return this.targetsByLabel[label]!;
  }

  /**
   * Whether this model's answer fails the eval check, drawn with the model's fail rate.
   * Draws only when the rate is positive, so enabling quality fallback with zero rates
   * does not shift the random stream of an otherwise identical run. `draw`, when given,
   * replaces the random source's next value (see `classify`).
   */
  failsQualityCheck(modelId: number, draw?: number): boolean {
    const rate = this.failRateById[modelId] ?? 0;
    return rate > 0 && (draw ?? this.random()) < rate;
  }

  /**
   * Model ids to try when starting from `modelId` (after a failed quality check moves a
   * request up): the same ordering rule as `targets`. Same frozen array every call.
   */
  chainFrom(modelId: number): readonly number[] {
    return this.chainByModel[modelId]!;
  }

  /** The next stronger model id in `fallback` (where a failed quality check retries), or -1. */
  strongerThan(modelId: number): number {
    return this.strongerById[modelId] ?? -1;
  }

  /** The id of a model by name, or -1 if unknown; for setup code, not the hot path. */
  modelId(name: string): number {
    return this.models.indexOf(name);
  }
}
