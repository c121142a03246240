import { describe, expect, it } from 'vitest';
import { parseSloExpression } from '../../src/slo/expression.js';
import { evaluateGates, type GatePoint } from '../../src/slo/gate.js';
import { renderJUnit, xml } from '../../src/slo/junit.js';
import { HEADLINE_KEYS, type HeadlineValues } from '../../src/metrics/headline.js';

/** Headline values, all zero unless given. */
function values(given: Partial<HeadlineValues>): HeadlineValues {
  return { ...(Object.fromEntries(HEADLINE_KEYS.map((k) => [k, 0])) as HeadlineValues), ...given };
}

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/**
 * A deliberately tiny XML reader for the subset JUnit uses: it checks that every tag is
 * closed in order, that text and attributes hold no raw `<` or stray `&`, and returns the tree.
 */
function parseXml(text: string): Element {
  const body = text.replace(/^<\?xml [^?]*\?>\n/, '');
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: Element[] = [root];
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, attrs, selfClosing, content] = match;
    const top = stack[stack.length - 1]!;
    if (content !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(content)) throw new Error(`stray & in ${JSON.stringify(content)}`);
      top.text += content;
      continue;
    }
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attrs!.matchAll(/([\w-]+)="([^"]*)"/g)) {
      if (/&(?!(amp|lt|gt|quot|apos);)/.test(value!)) throw new Error(`stray & in attribute ${key}`);
      attributes[key!] = value!;
    }
    const element: Element = { name: name!, attributes, children: [], text: '' };
    top.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (consumed !== body.length) throw new Error(`unparsed XML at offset ${consumed}: ${JSON.stringify(body.slice(consumed, consumed + 40))}`);
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('expected one root element');
  return root.children[0]!;
}

const points: GatePoint[] = [
  {
    label: 'none',
    values: values({ visibleFailureRate: 0.0489, latencyP95: 2710 }),
    checks: [parseSloExpression('visibleFailureRate < 0.1%'), parseSloExpression('latencyP95 < 5s')],
  },
  {
    label: 'a&b <"quoted"> \u0001',
    values: values({ visibleFailureRate: 0, latencyP95: 7000 }),
    checks: [parseSloExpression('visibleFailureRate < 0.1%'), parseSloExpression('latencyP95 < 5s')],
  },
  { label: 'unchecked', values: values({}), checks: [] },
];

describe('renderJUnit', () => {
  const document = renderJUnit(evaluateGates(points), points.map((p) => p.label));
  const root = parseXml(document);

  it('writes well-formed XML with a declaration and one testsuites root', () => {
    expect(document.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
  });

  it('counts tests and failures correctly on the root and on each suite', () => {
    expect(root.attributes).toMatchObject({ tests: '4', failures: '2' });
    expect(root.children.map((s) => [s.name, s.attributes.tests, s.attributes.failures])).toEqual([
      ['testsuite', '2', '1'],
      ['testsuite', '2', '1'],
      ['testsuite', '0', '0'],
    ]);
    const cases = root.children.flatMap((s) => s.children);
    expect(cases).toHaveLength(4);
    expect(cases.filter((c) => c.children.some((e) => e.name === 'failure'))).toHaveLength(2);
  });

  it('names each test case by point and SLO and puts the breach in the failure message', () => {
    const first = root.children[0]!;
    expect(first.attributes.name).toBe('none');
    expect(first.children.map((c) => c.attributes.name)).toEqual(['visibleFailureRate &lt; 0.1%', 'latencyP95 &lt; 5s']);
    const failure = first.children[0]!.children[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attributes.message).toBe('none: visibleFailureRate = 4.890%, limit &lt; 0.1%');
  });

  it('escapes markup in labels and replaces characters XML cannot carry', () => {
    expect(root.children[1]!.attributes.name).toBe('a&amp;b &lt;&quot;quoted&quot;&gt; \\u0001');
    expect(document).not.toContain('\u0001');
  });

  it('writes an empty but valid report when there are no checks', () => {
    const empty = parseXml(renderJUnit([], ['only']));
    expect(empty.attributes).toMatchObject({ tests: '0', failures: '0' });
    expect(empty.children).toHaveLength(1);
  });
});

describe('xml', () => {
  it('escapes the five XML special characters', () => {
    expect(xml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('keeps tabs, newlines and astral characters, and replaces lone surrogates', () => {
    expect(xml('a\tb\nc \u{1F600}')).toBe('a\tb\nc \u{1F600}');
    expect(xml('x\uD800y')).toBe('x\uFFFDy');
  });
});
