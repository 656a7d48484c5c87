/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Control routes under /_fake/ (no auth, not rate limited, not recorded) for out-of-process tests,
 * the benchmark and the demo: GET requests / jobs / webhook-deliveries, POST configure / reset.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeState } from './state';
import type { FakeMindeeOptions } from './types';
import { readBody, sendJson } from './util';

export async function handleControl(state: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
  switch (route) {
    case 'GET /_fake/requests':
      return sendJson(res, 200, state.requests);
    case 'GET /_fake/jobs':
      return sendJson(res, 200, [...state.jobs.records.values()]);
    case 'GET /_fake/webhook-deliveries':
      return sendJson(res, 200, state.deliveries);
    case 'POST /_fake/reset':
      await readBody(req, 1024 * 1024);
      state.reset();
      return sendJson(res, 200, { ok: true });
    case 'POST /_fake/configure': {
      const raw = await readBody(req, 16 * 1024 * 1024);
      let patch: Partial<FakeMindeeOptions>;
      try {
        if (raw === 'too-large') throw new Error('body too large');
        patch = raw.length ? JSON.parse(raw.toString('utf8')) : {};
        if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('expected a JSON object');
      } catch (err) {
        return sendJson(res, 400, { ok: false, error: `invalid configure patch: ${(err as Error).message}` });
      }
      state.configure(patch);
      return sendJson(res, 200, { ok: true });
    }
    default:
      await readBody(req, 16 * 1024 * 1024);
      return sendJson(res, 404, { ok: false, error: `unknown control route ${route}` });
  }
}
