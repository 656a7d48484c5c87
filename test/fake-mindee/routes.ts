/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The Mindee V2 API routes (https://docs.mindee.com/integrations/api-reference): routing, auth, rate limits and faults, and recording of every
 * API request. Control routes (/_fake/*) live in control.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readEnqueueBody, recordedFields, recordedFile, validateEnqueue } from './enqueue';
import * as problems from './problems';
import type { FakeState } from './state';
import { MODEL_TYPES, type ModelType, type RecordedRequest } from './types';
import { isUuid, parseBool, parseQuery, requestBaseUrl, sendJson } from './util';

type Route =
  | { kind: 'enqueue'; product: ModelType }
  | { kind: 'job'; id: string }
  | { kind: 'result'; product: ModelType; deprecated: boolean; id: string }
  | { kind: 'search' };

/** Matches a path to a route and its method, or null when no route has that path. */
function matchRoute(path: string): { route: Route; method: 'GET' | 'POST' } | null {
  let m: RegExpExecArray | null;
  if ((m = /^\/v2\/products\/([^/]+)\/enqueue$/.exec(path)) && isProduct(m[1])) {
    return { route: { kind: 'enqueue', product: m[1] }, method: 'POST' };
  }
  if (path === '/v2/inferences/enqueue') return { route: { kind: 'enqueue', product: 'extraction' }, method: 'POST' }; // deprecated (https://docs.mindee.com/integrations/api-reference)
  if ((m = /^\/v2\/jobs\/([^/]+)$/.exec(path))) return { route: { kind: 'job', id: decode(m[1]) }, method: 'GET' };
  if ((m = /^\/v2\/products\/([^/]+)\/results\/([^/]+)$/.exec(path)) && isProduct(m[1])) {
    return { route: { kind: 'result', product: m[1], deprecated: false, id: decode(m[2]) }, method: 'GET' };
  }
  if ((m = /^\/v2\/inferences\/([^/]+)$/.exec(path)) && m[1] !== 'enqueue') {
    return { route: { kind: 'result', product: 'extraction', deprecated: true, id: decode(m[1]) }, method: 'GET' }; // deprecated (https://docs.mindee.com/integrations/api-reference)
  }
  if (path === '/v2/search/models') return { route: { kind: 'search' }, method: 'GET' };
  return null;
}

/** An upload: a POST the fake routes to enqueue (a product's, or the deprecated one), answered or not. */
export function isEnqueue(request: Pick<RecordedRequest, 'method' | 'path'>): boolean {
  return request.method === 'POST' && matchRoute(request.path)?.route.kind === 'enqueue';
}

function isProduct(slug: string): slug is ModelType {
  return (MODEL_TYPES as readonly string[]).includes(slug);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Lets a POST body arrive fully before an early answer, so clients still streaming can read it. */
async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  req.resume();
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.once('error', () => resolve());
  });
}

export async function handleApi(state: FakeState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const rec: RecordedRequest = {
    at: Date.now(),
    method,
    path: url.pathname,
    query: parseQuery(url.searchParams),
    headers: { ...req.headers },
    status: 0,
  };
  let send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
    rec.status = status;
    state.requests.push(rec);
    sendJson(res, status, body, headers);
  };
  const reject = async (status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> => {
    if (method !== 'GET' && method !== 'HEAD') await drain(req);
    send(status, body, headers);
  };

  // Unknown routes are 404 before any auth check (the framework routes first).
  const matched = matchRoute(url.pathname);
  if (!matched) return reject(404, problems.routeNotFound(method, url.pathname));
  if (matched.method !== method) return reject(405, problems.methodNotAllowed(method, url.pathname), { allow: matched.method });

  // Auth (https://docs.mindee.com/integrations/api-reference): the raw key, no "Bearer"/"Token" prefix.
  const auth = req.headers.authorization;
  if (auth === undefined || auth.trim() === '') return reject(401, problems.missingCredentials());
  if (auth !== state.opts.apiKey) return reject(401, problems.invalidApiKey());

  // Outage fault: every API request answered 429 inside the window.
  const outage = state.faults.outage();
  if (outage) {
    const headers: Record<string, string> = outage.retryAfterSeconds === null ? {} : { 'retry-after': String(outage.retryAfterSeconds) };
    return reject(429, problems.tooManyRequests(), headers);
  }
  const { route } = matched;
  // Broken answers: the connection was accepted, then it hangs or is cut (recorded with status 0).
  const broken = route.kind === 'search' ? null : state.faults.brokenAnswer(route.kind);
  if (broken === 'noAnswer' || broken === 'reset') {
    state.requests.push(rec);
    if (broken === 'reset') req.socket.destroy();
    return;
  }
  if (broken === 'html500') {
    // The request reaches Mindee and is handled; the proxy in front loses the answer.
    send = (status) => {
      rec.status = 500;
      rec.mindeeStatus = status;
      state.requests.push(rec);
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(PROXY_ERROR_PAGE);
    };
  }
  // Gateway errors on job and result GETs (before reaching the API: they use no rate budget).
  if (route.kind === 'job' || route.kind === 'result') {
    const gateway = state.faults.gatewayError();
    if (gateway) return reject(gateway, problems.gatewayError(gateway));
  }
  // Rate limits (https://docs.mindee.com/integrations/technical-limitations): rolling windows for POSTs and GETs; 429s do not consume budget.
  const decision = state.rateLimiter.take(method === 'POST' ? 'post' : 'get');
  if (!decision.allowed) {
    const headers: Record<string, string> = state.opts.rateLimitRetryAfter ? { 'retry-after': String(decision.retryAfterSeconds) } : {};
    return reject(429, problems.tooManyRequests(), headers);
  }

  const baseUrl = state.opts.publicUrl ?? requestBaseUrl(req, state.url, state.tls);
  switch (route.kind) {
    case 'enqueue':
      return enqueue(state, req, route.product, baseUrl, rec, send);
    case 'job':
      return getJob(state, route.id, url.searchParams, baseUrl, send);
    case 'result':
      return getResult(state, route, send);
    case 'search':
      return searchModels(state, url.searchParams, send);
  }
}

const PROXY_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>';

type Send = (status: number, body: unknown, headers?: Record<string, string>) => void;

async function enqueue(state: FakeState, req: IncomingMessage, product: ModelType, baseUrl: string, rec: RecordedRequest, send: Send): Promise<void> {
  const body = await readEnqueueBody(req, state.opts.maxFileBytes);
  const outcome = validateEnqueue(body, product, state);
  rec.fields = outcome.ok ? outcome.job.fields : recordedFields(body);
  const file = recordedFile(body, outcome.ok ? outcome.job.filename : undefined);
  if (file) rec.file = file;
  if (!outcome.ok) return send(outcome.problem.status, outcome.problem);
  const fault = state.faults.uploadFault(outcome.job.filename);
  if (fault === 'failJob') outcome.job.fail = true;
  const job = state.jobs.create(outcome.job);
  if (fault === 'resetAfterAccept') {
    // Mindee took the document; the answer is lost on the way back.
    state.requests.push(rec);
    req.socket.destroy();
    return;
  }
  send(202, state.jobs.jobJson(job, baseUrl)); // https://docs.mindee.com/integrations/api-reference: HTTP 202 {"job": ...}
}

function getJob(state: FakeState, id: string, query: URLSearchParams, baseUrl: string, send: Send): void {
  // `redirect` (https://docs.mindee.com/integrations/polling-for-results): default true; false means "always 200".
  let redirect = true;
  const rawRedirect = query.get('redirect');
  if (rawRedirect !== null) {
    const parsed = parseBool(rawRedirect);
    if (parsed === undefined) {
      return send(422, problems.invalidFields([{ pointer: '#/redirect', detail: 'redirect must be a boolean' }]));
    }
    redirect = parsed;
  }
  if (!isUuid(id)) return send(422, problems.invalidFields([{ pointer: '#/job_id', detail: 'job_id must be a valid UUID format' }]));
  const job = state.jobs.get(id);
  if (!job) return send(404, problems.jobNotFound(id));
  job.record.pollCount++;
  if (state.faults.jobHidden(job.record.enqueuedAt)) return send(404, problems.jobNotFound(id)); // eventual-consistency fault
  const body = state.jobs.jobJson(job, baseUrl);
  // https://docs.mindee.com/integrations/polling-for-results: Processed answers 302 with Location AND the JSON job body; Processing and Failed answer 200.
  if (job.record.status === 'Processed' && redirect) {
    return send(302, body, { location: state.jobs.resultUrl(job, baseUrl) });
  }
  send(200, body);
}

function getResult(state: FakeState, route: Extract<Route, { kind: 'result' }>, send: Send): void {
  if (!isUuid(route.id)) {
    return send(422, problems.invalidFields([{ pointer: '#/inference_id', detail: 'inference_id must be a valid UUID format' }]));
  }
  const job = state.jobs.get(route.id);
  // https://docs.mindee.com/integrations/api-reference: unknown, not ready (or failed) results are 404; so is a result asked under another product.
  if (!job || job.record.status !== 'Processed' || job.product !== route.product) return send(404, problems.resultNotFound(route.id));
  if (job.record.resultFetchedAt === undefined) job.record.resultFetchedAt = Date.now();
  send(200, state.jobs.resultBody(job));
}

function searchModels(state: FakeState, query: URLSearchParams, send: Send): void {
  const errors: { pointer: string; detail: string }[] = [];
  const intParam = (name: string, fallback: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      errors.push({ pointer: `#/${name}`, detail: `${name} must be an integer greater than or equal to 1` });
      return fallback;
    }
    return n;
  };
  const page = intParam('page', 1);
  const perPage = intParam('per_page', state.opts.perPageDefault);
  if (errors.length) return send(422, problems.invalidFields(errors));
  // https://docs.mindee.com/integrations/api-reference: name is a case-insensitive pattern, model_type an exact match; pages are 1-based and a page
  // past the end is an empty list, not an error.
  const name = (query.get('name') ?? '').toLowerCase();
  const modelType = query.get('model_type');
  const matching = state.opts.models.filter(
    (m) => (!name || m.name.toLowerCase().includes(name)) && (!modelType || m.model_type === modelType),
  );
  const start = (page - 1) * perPage;
  send(200, {
    models: matching.slice(start, start + perPage).map((m) => state.modelListing(m)),
    pagination: {
      per_page: perPage,
      page,
      total_items: matching.length,
      total_pages: Math.ceil(matching.length / perPage),
      total_items_unfiltered: null,
    },
  });
}
