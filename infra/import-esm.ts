import { pathToFileURL } from 'node:url';

// tsc and swc (module: commonjs) rewrite `import()` into `require()`, which cannot load ESM-only
// packages on every Node 20 release; code built by `new Function` is left alone, so this stays a
// native import(). It works in plain Node and in jest's global set-up, not inside a jest test file.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const nativeImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

/** Loads an ESM-only package, resolved from `from` (default: this folder). */
export function importEsm<T>(pkg: string, from = __dirname): Promise<T> {
  const file = require.resolve(pkg, { paths: [from] });
  return nativeImport(pathToFileURL(file).href) as Promise<T>;
}
