/**
 * The harness-sim version, as package.json says (`test/cli/root-help.test.ts` keeps them
 * equal). `--version` prints it, and a sweep part records it: parts of one sweep run by
 * two versions may differ in their figures, so `merge` refuses to join them.
 */
export const HARNESS_SIM_VERSION = '0.1.0';
