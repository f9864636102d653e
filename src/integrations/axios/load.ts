import type { AxiosStatic } from 'axios';

/**
 * axios, loaded when the first request goes through the cache: `httpcache/axios` imports without
 * it, and the instance passed to `withCache()` proves it is installed.
 *
 * @module
 */

let loading: Promise<AxiosStatic> | undefined;
let loaded: AxiosStatic | undefined;

/**
 * The axios module (its default export, which carries `AxiosError`, `AxiosHeaders`, …): at once
 * once loaded, so that requests after the first wait for no promise.
 */
export function loadAxios(): AxiosStatic | Promise<AxiosStatic> {
  if (loaded !== undefined) return loaded;
  loading ??= import('axios').then(
    (module) => {
      loaded = module.default;
      return loaded;
    },
    (error: unknown) => {
      loading = undefined;
      throw new Error('httpcache/axios needs axios: npm install axios', { cause: error });
    },
  );
  return loading;
}
