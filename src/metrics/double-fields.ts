/**
 * Makes each named number field of `target` a double field from the start; each holds 0 after.
 *
 * Why: V8 stores a number field as a small integer until the field is given a value that is
 * not one (a fraction, or a total past 2^31), and then changes the shape of every object of
 * that class, which throws away all optimized code that touched one: the event handlers that
 * inline the update are deoptimized and compiled again. A running total that passes 2^31
 * mid-run (coding-agent's prompt tokens do after ~30K model calls) or a clock value stored
 * after the handlers are optimized does that when recompiling is dearest. A fraction stored
 * at construction settles the field as a double before any code is optimized; the values
 * and the results are the same.
 *
 * Call it in the constructor (class fields are declared by then), for fields that hold
 * fractions or may pass 2^31, private ones included. Counts that stay small need nothing.
 */
export function startAsDoubles(target: object, keys: readonly string[]): void {
  const fields = target as Record<string, unknown>;
  for (const key of keys) {
    // A misspelt name would add a field and settle nothing.
    if (fields[key] !== 0) throw new Error(`internal: ${key} is not a number field at 0`);
    fields[key] = 0.5;
    fields[key] = 0;
  }
}
