/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * A fake Mindee V2 API server for tests, benchmarks and the local demo, built from Mindee's
 * documentation (https://docs.mindee.com/integrations/api-reference), quirks included.
 *
 *   const fake = await startFakeMindee({ processingMs: 200 });
 *   // ... point the client at fake.url with Authorization: fake.apiKey ...
 *   await fake.stop();
 *
 * Module map: routes.ts (API routes, auth, limits), enqueue.ts (enqueue validation), multipart.ts
 * (streaming form parser), jobs.ts (job lifecycle), fixtures.ts (fixture loading/rewriting),
 * webhooks.ts (signed delivery), rateLimiter.ts, faults.ts, problems.ts, fileSniffing.ts,
 * control.ts (/_fake/* routes), state.ts (runtime options and stores), cli.ts (standalone use).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control';
import { problem } from './problems';
import { handleApi } from './routes';
import { FakeState } from './state';
import type { FakeMindee, FakeMindeeOptions } from './types';
import { sendJson } from './util';

export * from './types';
export { DEFAULT_API_KEY } from './state';
export { DEFAULT_RESULT_FIXTURES, FIXTURES_DIR, loadFixture, loadFixtureText } from './fixtures';
export { signBody } from './webhooks';
export { isEnqueue } from './routes';
export { sniffMime } from './fileSniffing';

export async function startFakeMindee(options: FakeMindeeOptions = {}): Promise<FakeMindee> {
  const useTls = !!options.tls;
  const state = new FakeState(options, useTls);

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl.startsWith('/') ? `http://fake${rawUrl}` : rawUrl, 'http://fake');
    const work = url.pathname === '/_fake' || url.pathname.startsWith('/_fake/')
      ? handleControl(state, req, res, url)
      : handleApi(state, req, res, url);
    work.catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, problem(500, '500-000', 'Internal server error', String(err)));
      else res.destroy();
    });
  };

  const server = useTls
    ? https.createServer({ key: options.tls!.key, cert: options.tls!.cert }, handler)
    : http.createServer(handler);
  // Large uploads on slow links: no overall request timeout (Node's default is 300 s).
  server.requestTimeout = 0;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const displayHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  state.url = `${useTls ? 'https' : 'http'}://${displayHost}:${port}`;

  let stopping: Promise<void> | null = null;
  return {
    url: state.url,
    get apiKey(): string {
      return state.opts.apiKey;
    },
    requests: state.requests,
    jobs: state.jobs.records,
    webhookDeliveries: state.deliveries,
    configure: (patch) => state.configure(patch),
    reset: () => state.reset(),
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        state.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
