import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of a worker module beside `base` (an `import.meta.url`): `name.ts` when running from source
 * under tsx, `name.js` once built.
 */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(base))}`, base);
}

/**
 * Starts a worker thread on a module. From source (a `.ts` module under tsx: the tests, `node --import
 * tsx`) a worker does not inherit the loader, so a two-line bootstrap registers tsx's and imports the
 * module; a built `.js` module starts directly.
 */
export function startModuleWorker(url: URL, workerData: unknown): Worker {
  if (url.pathname.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(url, { workerData });
}
