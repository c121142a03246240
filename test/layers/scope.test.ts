import { describe, expect, it } from 'vitest';
import { BoundedScope, SCOPE_DEFAULTS } from '../../src/layers/scope.js';

const TOOLS = ['read_ticket', 'search_kb', 'create_internal_note', 'escalate_to_billing', 'issue_refund', 'delete_account'];
const SUPPORT_ALLOW = ['read_ticket', 'search_kb', 'create_internal_note', 'escalate_to_billing'];

function supportAgent(): BoundedScope {
  return new BoundedScope({ allow: SUPPORT_ALLOW, escalation: 'human-billing-queue', tools: TOOLS });
}

describe('BoundedScope', () => {
  it('allows the four support tools', () => {
    const scope = supportAgent();
    for (const name of SUPPORT_ALLOW) {
      expect(scope.isAllowed(scope.toolId(name))).toBe(true);
      expect(scope.check(scope.toolId(name))).toBe(true);
    }
    expect(scope.checked).toBe(4);
    expect(scope.refused).toBe(0);
  });

  it('refuses issue_refund, counts it against that tool and names the escalation', () => {
    const scope = supportAgent();
    const refund = scope.toolId('issue_refund');
    expect(scope.isAllowed(refund)).toBe(false);
    expect(scope.check(refund)).toBe(false);
    expect(scope.check(refund)).toBe(false);
    expect(scope.refused).toBe(2);
    expect(scope.refusalsByTool[refund]).toBe(2);
    expect(scope.refusalsByTool[scope.toolId('delete_account')]).toBe(0);
    expect(scope.escalation).toBe('human-billing-queue');
  });

  it('does not count anything on isAllowed', () => {
    const scope = supportAgent();
    scope.isAllowed(scope.toolId('issue_refund'));
    expect(scope.checked).toBe(0);
    expect(scope.refused).toBe(0);
  });

  it('computes the refusal rate as refused over checked', () => {
    const scope = supportAgent();
    expect(scope.refusalRate).toBe(0);
    const refund = scope.toolId('issue_refund');
    const read = scope.toolId('read_ticket');
    for (let i = 0; i < 3; i++) scope.check(refund);
    for (let i = 0; i < 5; i++) scope.check(read);
    expect(scope.checked).toBe(8);
    expect(scope.refused).toBe(3);
    expect(scope.refusalRate).toBe(3 / 8);
  });

  it('refuses tool ids outside the tool list without a per-tool slot', () => {
    const scope = supportAgent();
    expect(scope.check(TOOLS.length)).toBe(false);
    expect(scope.check(-1)).toBe(false);
    expect(scope.refused).toBe(2);
    expect(Array.from(scope.refusalsByTool).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('rejects an allow-list naming an unknown tool', () => {
    expect(() => new BoundedScope({ allow: ['read_ticket', 'issue_refnd'], tools: TOOLS })).toThrow(
      /allow names unknown tool 'issue_refnd'/,
    );
  });

  it('rejects duplicate tool names and an empty escalation name', () => {
    expect(() => new BoundedScope({ tools: ['a', 'a'] })).toThrow(RangeError);
    expect(() => new BoundedScope({ tools: TOOLS, escalation: '' })).toThrow(RangeError);
  });

  it('denies everything by default', () => {
    const scope = new BoundedScope({ tools: TOOLS });
    expect(TOOLS.map((_, id) => scope.isAllowed(id))).toEqual(TOOLS.map(() => false));
    expect(scope.escalation).toBe(SCOPE_DEFAULTS.escalation);
  });
});
