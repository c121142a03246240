import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeInvisible, firstUnsafeCharacter, hasUnsafeCharacter, safeLines, safeText } from '../../src/text/safe-text.js';

/** A line the GitHub runner would run as a command: `::` after leading whitespace. */
const COMMAND_LINE = /^\s*::/;
/** Raw bytes a terminal or the runner would act on. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

describe('safeText', () => {
  it('writes every control character out as a JSON-style escape', () => {
    expect(safeText('a\u001b[31mred')).toBe('a\\u001b[31mred');
    expect(safeText('one\ntwo\rthree\tfour')).toBe('one\\ntwo\\rthree\\tfour');
    expect(safeText('c1\u009bx del\u007f')).toBe('c1\\u009bx del\\u007f');
    expect(safeText('bidi\u202eevil\u2066')).toBe('bidi\\u202eevil\\u2066');
    expect(safeText('ls\u2028ps\u2029')).toBe('ls\\u2028ps\\u2029');
  });

  it('leaves ordinary names, punctuation and non-Latin text alone', () => {
    for (const name of ['sonnet', 'claude-3.5/haiku', 'tenant a', 'Zürich', '東京', 'emoji 🚀', 'a::b']) expect(safeText(name)).toBe(name);
  });

  it('neutralises a workflow command at the start, after whitespace, and the ##[ forms anywhere', () => {
    expect(safeText('::add-mask::secret')).toBe('\\u003a:add-mask::secret');
    expect(safeText('  ::stop-commands::x')).toBe('  \\u003a:stop-commands::x');
    expect(safeText('x ##[add-mask]s and ##vso[task.setvariable]y')).toBe('x ##\\u005badd-mask]s and ##vso\\u005btask.setvariable]y');
    // A single colon is not a command.
    expect(safeText(': fine')).toBe(': fine');
  });

  it('reads back as the original through JSON.parse, so escaped JSON stays the same JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const json = JSON.stringify({ name: text }, null, 2);
        return (JSON.parse(safeLines(json)) as { name: string }).name === text;
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('never returns a raw control character, a line break or a command opening, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = safeText(text);
        expect(out).not.toMatch(RAW);
        expect(out).not.toMatch(/[\n\t]/);
        expect(out).not.toMatch(COMMAND_LINE);
        expect(out).not.toMatch(/##(vso)?\[/i);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('safeLines', () => {
  it('keeps line breaks, tabs and colour codes, escapes every other control', () => {
    expect(safeLines('\u001b[1mtitle\u001b[22m\n\tbody\u001b]0;pwned\u0007')).toBe('\u001b[1mtitle\u001b[22m\n\tbody\\u001b]0;pwned\\u0007');
    expect(safeLines('bare\rCR')).toBe('bare\\rCR');
  });

  it('neutralises a command on any line, even behind colour codes', () => {
    const out = safeLines('report\n::add-mask::x\n  ::error::y\n\u001b[1m::notice::z\u001b[22m');
    for (const line of out.split('\n')) expect(line.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(COMMAND_LINE);
    expect(out.split('\n')[1]).toBe('\\u003a:add-mask::x');
  });

  it('never lets a raw control, C1 or command line through, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = safeLines(text);
        for (const line of out.split('\n')) {
          const plain = line.replace(/\u001b\[[0-9;]*m/g, '');
          expect(plain).not.toMatch(RAW);
          expect(plain).not.toMatch(COMMAND_LINE);
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});

describe('firstUnsafeCharacter and escapeInvisible', () => {
  it('names the first unsafe character and its index', () => {
    expect(firstUnsafeCharacter('ok')).toBeNull();
    expect(firstUnsafeCharacter('ab\u202ec\u001b')).toEqual({ index: 2, codePoint: 'U+202E' });
    expect(hasUnsafeCharacter('a\nb')).toBe(true);
    expect(hasUnsafeCharacter('a b')).toBe(false);
  });

  it('escapes C1 and bidi for markup, leaving C0 and markup characters to the markup escaper', () => {
    expect(escapeInvisible('a\u0085b\u202ec<\u0001')).toBe('a\\u0085b\\u202ec<\u0001');
  });
});
