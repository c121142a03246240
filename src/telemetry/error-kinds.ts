import type { TelemetryErrorKind } from './call-record.js';

/**
 * Normalises a provider's answer to the scenario's error taxonomy. `status` is an HTTP status
 * (number or numeric text) when the log has one; `text` is whatever else names the outcome
 * (an `error.type`, a status message, a LiteLLM exception class, a result string).
 * Returns null for a success and undefined when the record says nothing either way.
 *
 * The rules follow the providers' documentation: a 429 that names insufficient quota or a
 * spend limit will not succeed on retry (`quota`); Anthropic's 529 and any "overloaded" text
 * is `529`; 408, 504 and timeouts are `timeout`; other 4xx are the client's fault (`400`).
 */
export function normaliseError(status: number | undefined, text: string | undefined): TelemetryErrorKind | null | undefined {
  const t = (text ?? '').toLowerCase();
  if (/insufficient[_ ]quota|quota[_ ]exceeded|spend(ing)?[_ ]limit|billing/.test(t)) return 'quota';
  if (status !== undefined && Number.isFinite(status)) {
    if (status >= 200 && status < 400) return null;
    if (status === 429) return '429';
    if (status === 529) return '529';
    if (status === 408 || status === 504) return 'timeout';
    if (status === 503) return '503';
    if (status >= 500) return /overload/.test(t) ? '529' : '500';
    if (status >= 400) return '400';
  }
  if (t === '') return undefined;
  if (/^(ok|success|succeeded|unset|none|null|1)$/.test(t)) return null;
  // The taxonomy's own names, as `run --calls-out` writes them.
  if (t === 'quota') return 'quota';
  if (/overload|\b529\b/.test(t)) return '529';
  if (/\b500\b|api[_ ]error|internal[_ ]server/.test(t)) return '500';
  if (/rate[_ ]?limit|too many requests|\b429\b/.test(t)) return '429';
  if (/time[d]?[_ ]?out|deadline|\b408\b|\b504\b/.test(t)) return 'timeout';
  if (/unavailable|\b503\b/.test(t)) return '503';
  if (/bad[_ ]?request|invalid|\b4\d\d\b|not[_ ]found|permission|authenticat|context[_ ]length|too large/.test(t)) return '400';
  if (/usercancel|cancel/.test(t)) return null;
  return '500';
}
