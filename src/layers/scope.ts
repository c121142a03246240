/** Configuration of a {@link BoundedScope}. */
export interface ScopeOptions {
  /** Tool names the agent may call; everything else is refused. */
  allow: readonly string[];
  /** Name of the queue a refused call is routed to instead, e.g. `'human-billing-queue'`. */
  escalation: string;
  /** All tool names in the simulation; a tool's id is its index here. */
  tools: readonly string[];
}

/**
 * Defaults: deny everything and escalate to a generic human queue.
 * Deny-by-default is the point of a bounded scope: forgetting to configure it must not
 * widen what the agent can do.
 */
export const SCOPE_DEFAULTS = {
  allow: [],
  escalation: 'human-review-queue',
  tools: [],
} as const satisfies ScopeOptions;

/**
 * Bounded scope for an agent's tool calls: each call is checked against an allow-list
 * before any side effect, and a tool outside it is refused and routed to `escalation`.
 * The allow-list is a precomputed byte per tool id, so a check is one array lookup.
 */
export class BoundedScope {
  /** Where refused calls go, e.g. `'human-billing-queue'`. */
  readonly escalation: string;
  /** All tool names; a tool's id is its index here. */
  readonly tools: readonly string[];
  /** Refusals per tool id since construction. */
  readonly refusalsByTool: Uint32Array;

  private readonly allowed: Uint8Array;
  private checkedCount = 0;
  private refusedCount = 0;

  constructor(options: Partial<ScopeOptions> = {}) {
    const allow = options.allow ?? SCOPE_DEFAULTS.allow;
    const escalation = options.escalation ?? SCOPE_DEFAULTS.escalation;
    const tools = options.tools ?? SCOPE_DEFAULTS.tools;

    if (escalation.length === 0) throw new RangeError(`escalation must be a non-empty name, got ''`);
    const idOf = new Map<string, number>();
    tools.forEach((name, id) => {
      if (idOf.has(name)) throw new RangeError(`tools must be unique, got '${name}' twice`);
      idOf.set(name, id);
    });

    this.escalation = escalation;
    this.tools = [...tools];
    this.allowed = new Uint8Array(tools.length);
    this.refusalsByTool = new Uint32Array(tools.length);
    for (const name of allow) {
      const id = idOf.get(name);
      // A typo in the allow-list would silently deny a tool the agent needs; fail loudly instead.
      if (id === undefined) throw new RangeError(`allow names unknown tool '${name}' (tools: ${tools.join(', ')})`);
      this.allowed[id] = 1;
    }
  }

  /** Whether the tool may be called; ids outside the tool list are not allowed. Counts nothing. */
  isAllowed(toolId: number): boolean {
    return this.allowed[toolId] === 1;
  }

  /**
   * Checks a tool call before its side effect and counts it: true if allowed, false if
   * refused (the caller routes it to {@link escalation}). An id outside the tool list is
   * refused and counted in `refused`, but has no `refusalsByTool` slot.
   */
  check(toolId: number): boolean {
    this.checkedCount++;
    if (this.allowed[toolId] === 1) return true;
    this.refusedCount++;
    if (toolId >= 0 && toolId < this.refusalsByTool.length) this.refusalsByTool[toolId]!++;
    return false;
  }

  /** Tool calls checked so far. */
  get checked(): number {
    return this.checkedCount;
  }

  /** Tool calls refused so far. */
  get refused(): number {
    return this.refusedCount;
  }

  /** refused / checked; 0 before any check rather than NaN, so reports need no special case. */
  get refusalRate(): number {
    return this.checkedCount === 0 ? 0 : this.refusedCount / this.checkedCount;
  }

  /** The id of a tool by name, or -1 if unknown; for setup code, not the hot path. */
  toolId(name: string): number {
    return this.tools.indexOf(name);
  }
}
