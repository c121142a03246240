import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('examples/runtime/chat.mjs', () => {
  it('answers through the scenario harness against the mock provider, falling back past its 529s', async () => {
    const mock = spawn(process.execPath, ['examples/runtime/mock-provider.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(mock.stdout!, 'data')) as [Buffer];
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line.toString())![0];
      const { stdout, stderr } = await run(process.execPath, ['examples/runtime/chat.mjs', 'What does a breaker protect?'], {
        env: { ...process.env, ANTHROPIC_API_KEY: 'mock', ANTHROPIC_BASE_URL: url, OPENAI_API_KEY: '' },
      });
      expect(stdout).toMatch(/^\(mock claude-/);
      // routing-tiers.yaml: the classifier's 529 routes as standard (sonnet); sonnet's and opus's 529s fall back.
      expect(stderr).toContain('fallback: sonnet -> opus after 529');
      expect(stderr).toMatch(/model calls: 4 .*"classifier":1/);
    } finally {
      mock.kill();
    }
  });

  it('says what to set, in one line with exit 2, when no key is given', async () => {
    const env = { ...process.env };
    delete env.ANTHROPIC_API_KEY;
    delete env.OPENAI_API_KEY;
    const result = await run(process.execPath, ['examples/runtime/chat.mjs'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  });
});
