import {
  BUNDLED_CONFIG_GLOBAL,
  bundleBanner,
  bundledConfigJson,
  configJsonFromBundle,
} from '../../../handlers/config/bundled-config';
import { readRuntimeConfig } from '../../../handlers/config/env';
import { TEST_CONFIG } from '../../helpers/config';

describe('the bundled stage config', () => {
  it('round-trips through the banner line, `$` included', () => {
    // Prepare
    const json = JSON.stringify({
      ...TEST_CONFIG,
      controlTagValue: ['$', '{not-a-variable}'].join(''),
    });

    // Act
    const banner = bundleBanner(json);
    const scope: Record<string, unknown> = {};
    new Function('globalThis', banner)(scope);

    // Assess
    expect(banner).not.toContain('$');
    expect(scope[BUNDLED_CONFIG_GLOBAL]).toBe(json);
    expect(configJsonFromBundle(`${banner}\n"use strict";var a=1;`)).toBe(json);
  });

  it('is read at cold start when STAGE_CONFIG is not set, and validated', () => {
    // Prepare
    const scope = { [BUNDLED_CONFIG_GLOBAL]: JSON.stringify(TEST_CONFIG) };
    const broken = { [BUNDLED_CONFIG_GLOBAL]: JSON.stringify({ ...TEST_CONFIG, concurrency: 0 }) };

    // Act
    const config = readRuntimeConfig({}, scope);
    const read = () => readRuntimeConfig({}, broken);

    // Assess
    expect(config.targets).toEqual(TEST_CONFIG.targets);
    expect(read).toThrow(/bundled stage config\.concurrency/);
  });

  it('says how to run unbundled when there is neither a bundle nor STAGE_CONFIG', () => {
    // Act
    const read = () => readRuntimeConfig({}, {});

    // Assess
    expect(bundledConfigJson({})).toBeUndefined();
    expect(read).toThrow(/set STAGE_CONFIG to run the handlers unbundled/);
  });

  it('finds no config in a bundle without the banner', () => {
    // Act / Assess
    expect(configJsonFromBundle('"use strict";var a=1;')).toBeUndefined();
  });
});
