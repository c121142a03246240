import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HARNESS_SIM_VERSION } from '../../src/metrics/version.js';
import { buildProgram } from '../../src/cli/program.js';
import { rootHelpProgram, wantsRootHelp } from '../../src/cli/root-help.js';

describe('the fast root help', () => {
  it('prints exactly what the full program prints for --help', () => {
    expect(rootHelpProgram().helpInformation()).toBe(buildProgram().helpInformation());
  });

  it('is used only for a bare --help or -h', () => {
    expect(wantsRootHelp(['--help'])).toBe(true);
    expect(wantsRootHelp(['-h'])).toBe(true);
    expect(wantsRootHelp(['run', '--help'])).toBe(false);
    expect(wantsRootHelp([])).toBe(false);
    expect(wantsRootHelp(['--help', '--debug'])).toBe(false);
  });

  it('--version prints the version package.json has (sweep parts record it too)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(HARNESS_SIM_VERSION).toBe(pkg.version);
    expect(rootHelpProgram().version()).toBe(pkg.version);
  });
});
