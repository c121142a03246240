// A local stand-in for the Anthropic Messages and OpenAI Chat Completions endpoints, to run
// chat.mjs without a key: the first call to each model answers 529 overloaded (Anthropic's
// overloaded_error: the harness retries it or falls back, as the scenario's retryOn and
// fallbackOn say), later calls answer a short text.
//
//   node examples/runtime/mock-provider.mjs [port]
import { createServer } from 'node:http';

const seen = new Set();
const server = createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', () => {
    const body = JSON.parse(text || '{}');
    const model = String(body.model ?? 'unknown');
    const prompt = String(body.messages?.[0]?.content ?? '');
    if (!seen.has(model)) {
      seen.add(model);
      res.writeHead(529, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      return;
    }
    const answer = prompt.startsWith('Classify') ? 'standard' : `(mock ${model}) A breaker protects the provider, and your quota, from calls that would fail anyway.`;
    const payload = req.url.includes('chat/completions') ? { choices: [{ message: { role: 'assistant', content: answer } }] } : { content: [{ type: 'text', text: answer }] };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(`mock provider on ${url}`);
  console.log(`try: ANTHROPIC_API_KEY=mock ANTHROPIC_BASE_URL=${url} node examples/runtime/chat.mjs`);
});
