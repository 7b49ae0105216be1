/**
 * The browser builds of vega, vega-lite and vega-embed, read from wherever the packages are installed so
 * that the report inlines them and works offline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Packages whose browser builds the page loads, in load order (vega-lite needs vega, vega-embed both). */
const PACKAGES = ['vega', 'vega-lite', 'vega-embed'] as const;

/**
 * Finds a package's minified UMD build. The packages' `exports` hide package.json, so resolve the entry
 * point and walk up to the package root; the build is the file the package names for CDNs (`unpkg`), which
 * is `build/<name>.min.js` in vega 6 / vega-lite 6 / vega-embed 7.
 */
function buildPath(pkg: string): string {
  let dir = dirname(require.resolve(pkg));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; unpkg?: string; jsdelivr?: string };
      if (json.name === pkg) return join(dir, json.unpkg ?? json.jsdelivr ?? `build/${pkg}.min.js`);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot locate the browser build of ${pkg}`);
    dir = up;
  }
}

let cached: string[] | undefined;

/**
 * The three library builds as script texts, loaded once per process. Source-map comments are removed so
 * that no browser ever asks for a `.map` file next to the report, and `</script` (should a future build
 * contain it) is written as `<\/script`, which means the same inside any JavaScript string or regex.
 *
 * @example
 * vegaScripts().length; // => 3
 */
export function vegaScripts(): string[] {
  cached ??= PACKAGES.map((pkg) =>
    readFileSync(buildPath(pkg), 'utf8')
      .replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n')
      .replace(/<\/script/gi, '<\\/script'),
  );
  return cached;
}
