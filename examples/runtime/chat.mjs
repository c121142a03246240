// Deploy what you simulated: one question through the harness a scenario describes, against an
// Anthropic- or OpenAI-compatible endpoint with plain `fetch`.
//
//   npm run build
//   ANTHROPIC_API_KEY=... node examples/runtime/chat.mjs "Why is the sky blue?" [scenarios/routing-tiers.yaml]
//   OPENAI_API_KEY=... node examples/runtime/chat.mjs "..."          # OpenAI chat completions
//   node examples/runtime/mock-provider.mjs   # a local stand-in; prints the ANTHROPIC_BASE_URL to use
//
// Environment: ANTHROPIC_BASE_URL / OPENAI_BASE_URL (default the public APIs), HARNESS_MODEL_IDS
// (JSON mapping the scenario's model names to provider model ids, e.g. '{"sonnet":"claude-sonnet-4-5"}').
// The layers (routing tiers with a haiku classifier, fallback haiku -> sonnet -> opus, a quality
// check, retries with backoff and jitter) are the scenario's own `layers:` block: the YAML you
// simulated is the configuration you run. Events go to stderr; the answer to stdout.
import { createHarness, HarnessError, HttpStatusError, loadHarnessConfig } from 'harness-sim';

const [question = 'In one sentence: what does a circuit breaker protect?', scenario = 'scenarios/routing-tiers.yaml'] = process.argv.slice(2);
const openai = process.env.OPENAI_API_KEY !== undefined && process.env.ANTHROPIC_API_KEY === undefined;
const apiKey = openai ? process.env.OPENAI_API_KEY : process.env.ANTHROPIC_API_KEY;
if (apiKey === undefined) {
  console.error('chat: set ANTHROPIC_API_KEY (or OPENAI_API_KEY), or run examples/runtime/mock-provider.mjs and follow what it prints');
  process.exit(2);
}
const baseUrl = (openai ? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com' : process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com').replace(/\/$/, '');
const defaults = openai
  ? { haiku: 'gpt-4.1-nano', sonnet: 'gpt-4.1-mini', opus: 'gpt-4.1' }
  : { haiku: 'claude-haiku-4-5', sonnet: 'claude-sonnet-4-5', opus: 'claude-opus-4-1' };
const modelIds = { ...defaults, ...JSON.parse(process.env.HARNESS_MODEL_IDS ?? '{}') };

/** One model call; throws an HttpStatusError on a non-2xx answer so the harness can classify it. */
async function complete(model, prompt, maxTokens, signal) {
  const id = modelIds[model] ?? model;
  const response = openai
    ? await fetch(`${baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: id, max_tokens: maxTokens, messages: [{ role: 'user', content: prompt }] }),
        signal,
      })
    : await fetch(`${baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: id, max_tokens: maxTokens, messages: [{ role: 'user', content: prompt }] }),
        signal,
      });
  if (!response.ok) throw await HttpStatusError.from(response);
  const body = await response.json();
  return openai ? body.choices[0].message.content : body.content.map((part) => part.text ?? '').join('');
}

const config = await loadHarnessConfig(scenario);
const harness = await createHarness(config, {
  // The scenario's classifier is a cheap model call: ask it for the tier.
  classify: async (request, { signal }) => {
    const label = await complete(config.layers.routing?.classifier?.model ?? 'haiku', `Classify how hard this request is. Answer with exactly one word: trivial, standard or complex.\n\n${request.prompt}`, 5, signal);
    return ['trivial', 'standard', 'complex'].find((tier) => label.toLowerCase().includes(tier)) ?? 'standard';
  },
  // The quality check behind qualityFallback: an empty answer moves to the stronger model.
  check: (answer) => answer.trim().length > 0,
});
harness.on('retry', (e) => console.error(`retry: ${e.target} answered ${e.kind}; trying again in ${Math.round(e.delayMs)} ms`));
harness.on('fallback', (e) => console.error(`fallback: ${e.from} -> ${e.to} after ${e.kind}`));
harness.on('qualityFallback', (e) => console.error(`quality fallback: ${e.from} -> ${e.to}`));
harness.on('breakerStateChange', (e) => console.error(`breaker: ${e.target} ${e.from} -> ${e.to}`));

try {
  const answer = await harness.call({ prompt: question }, (ctx) => complete(ctx.model, question, 1024, ctx.signal));
  console.log(answer);
} catch (error) {
  if (!(error instanceof HarnessError)) throw error;
  console.error(`chat: ${error.message}`);
  process.exitCode = 1;
}
const m = harness.metrics();
console.error(`model calls: ${m.upstreamCalls} (${JSON.stringify(m.loadAttribution)}), retries ${m.retries}, fallbacks ${m.fallbacks}, latency ${Math.round(m.latencyMs.p50)} ms`);
