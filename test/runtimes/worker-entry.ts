import { runSuite } from './entry.ts';

/**
 * The entry for workerd: a module Worker whose `fetch` runs the suite against the origin named
 * by the `origin` query parameter and answers with the results as JSON.
 *
 * @module
 */

export default {
  async fetch(request: Request): Promise<Response> {
    const origin = new URL(request.url).searchParams.get('origin') ?? '';
    return Response.json(await runSuite({ origin, runtime: 'workerd' }));
  },
};
