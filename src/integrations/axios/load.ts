import type { AxiosStatic } from 'axios';

/**
 * axios, loaded when the first request goes through the cache: `httpcache/axios` imports without
 * it, and the instance passed to `withCache()` proves it is installed.
 *
 * @module
 */

let loading: Promise<AxiosStatic> | undefined;

/** The axios module (its default export, which carries `AxiosError`, `AxiosHeaders`, …). */
export function loadAxios(): Promise<AxiosStatic> {
  loading ??= import('axios').then(
    (module) => module.default,
    (error: unknown) => {
      loading = undefined;
      throw new Error('httpcache/axios needs axios: npm install axios', { cause: error });
    },
  );
  return loading;
}
