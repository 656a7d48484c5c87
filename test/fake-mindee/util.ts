/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/** Small helpers shared by the fake server's modules. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * UUID check used for model_id and path ids. Any version is accepted because the model ids of fixture
 * search/models.json are not v4 (e.g. "afde5151-aa11-aa11-..."); the nil UUID is rejected because the
 * NODE integration tests expect 422 for it both as model_id and as job id (https://docs.mindee.com/integrations/api-reference).
 */
export function isUuid(value: string): boolean {
  return UUID_SHAPE.test(value) && value !== NIL_UUID;
}

/** Milliseconds since the epoch with sub-millisecond precision. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * ISO-8601 UTC timestamp with microseconds. Job fixtures have no timezone suffix
 * ("2025-07-03T14:27:58.974451"); the webhook failure payload has a "Z" (https://docs.mindee.com/integrations/polling-for-results).
 */
export function isoMicro(ms: number, withZ = false): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  const base = new Date(whole).toISOString().slice(0, 23); // YYYY-MM-DDTHH:mm:ss.sss
  return `${base}${String(micros).padStart(3, '0')}${withZ ? 'Z' : ''}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The scheme+host a client used to reach us, e.g. "http://fake-mindee:8787". */
export function requestBaseUrl(req: IncomingMessage, fallback: string, tls: boolean): string {
  const host = req.headers.host;
  if (!host || /[\s/\\@]/.test(host)) return fallback;
  return `${tls ? 'https' : 'http'}://${host}`;
}

/** Query string parsed into single values or arrays for repeated keys. */
export function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}

/** FastAPI/pydantic-style boolean parsing of form and query values; undefined when not a boolean. */
export function parseBool(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on', 't', 'y'].includes(v)) return true;
  if (['false', '0', 'no', 'off', 'f', 'n'].includes(v)) return false;
  return undefined;
}

/** Reads a whole (small) request body, failing beyond maxBytes. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) tooLarge = true; // keep draining so the client can read our answer
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? 'too-large' : Buffer.concat(chunks);
}
