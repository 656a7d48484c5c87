/**
 * Public types of the fake Mindee V2 server. Other test code and scripts code against these:
 * change them only in a backwards-compatible way.
 * Protocol facts come from Mindee's public documentation (https://docs.mindee.com/integrations/),
 * cited page by page below; UNCONFIRMED marks what no public source shows.
 */

export type ModelType = 'extraction' | 'classification' | 'crop' | 'ocr' | 'split';

export const MODEL_TYPES: readonly ModelType[] = ['extraction', 'classification', 'crop', 'ocr', 'split'];

export interface FakeModel {
  id: string;
  name: string;
  model_type: ModelType;
  /** Read-only listing as returned by GET /v2/search/models (never secrets). */
  webhooks?: { id: string; name: string; url: string }[];
  /** Path under test/fixtures/mindee-v2 of the result returned for this model's jobs. */
  resultFixture?: string;
  processingMs?: number;
}

export type ConfidenceLevel = 'Certain' | 'High' | 'Medium' | 'Low';

export interface FieldConfidenceRule {
  /** Documents of this file name (as Mindee names them: the `filename` field, else the file's); absent = every document. */
  fileName?: string;
  /** A top-level field of the result; absent = every field. The level covers the field's values, list items and subfields. */
  field?: string;
  confidence: ConfidenceLevel;
}

export interface FakeWebhook {
  id: string;
  name?: string;
  url: string;
  secret: string;
  modelId: string;
}

export interface FakeFaults {
  /** Fraction of GETs (jobs and results) answered 502 or 503 (alternating), with a problem-ish body. */
  getErrorRate?: number;
  /** A job id answers 404 for this long after enqueue (eventual consistency). */
  jobNotFoundForMs?: number;
  /** Fraction of jobs that end Failed (job.error = a 500-012 "Inference failed" problem). */
  failRate?: number;
  /** Every API request is answered 429 inside the window; Retry-After only when retryAfterSeconds is given.
   * startAfterMs counts from when the faults were set (server start, configure() or reset()); with
   * `refusals`, the window also closes once it has refused that many requests (however late they came). */
  rateLimitWindow?: { startAfterMs?: number; durationMs: number; retryAfterSeconds?: number; refusals?: number };
  /** Requests to a route that are accepted and then not answered properly, as a stuck server or a
   * proxy in front of Mindee would: `noAnswer` keeps the connection open and never writes a byte
   * (until the client gives up or the server stops); `reset` destroys the socket; `html500` lets
   * the request through (an upload is enqueued) and answers 500 with a proxy's HTML page instead.
   * Applies to the first `count` matching requests (default: all), after authentication. */
  brokenAnswers?: { route: 'enqueue' | 'job' | 'result'; how: 'noAnswer' | 'reset' | 'html500'; count?: number };
  /** Faults for the uploads of one file, told by the job's file name, whatever order uploads arrive
   * in: `resetAfterAccept` creates the job, then cuts the connection before the answer (the client
   * cannot know the job; recorded with status 0); `failJob` makes the job end Failed (500-012).
   * Applies to the first `count` uploads of that file (default: all). */
  uploadFaults?: { fileName: string; fault: 'resetAfterAccept' | 'failJob'; count?: number }[];
  /** Seed of the deterministic pseudo-random choices (mulberry32). Default 1. */
  seed?: number;
}

export interface FakeMindeeOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Serve HTTPS when given. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Default 'md_fake_local_key'. */
  apiKey?: string;
  /** Default 1000; a model's processingMs wins. */
  processingMs?: number;
  /** Each job's processing time is drawn uniformly within ± this fraction of its base time (0.3 =
   * ± 30 %), from a deterministic stream (processingSeed). Default 0: every job takes its base time. */
  processingSpread?: number;
  /** Seed of the processing-time draws (mulberry32). Default 1. */
  processingSeed?: number;
  /** Base processing time by uploaded file size, as multi-page files take Mindee longer: the first
   * entry whose upToBytes is at least the file's size wins over the model's and the server's time.
   * Documents sent by URL keep the model's or server's time. */
  processingMsBySize?: { upToBytes: number; processingMs: number }[];
  /** Default null = off. Rolling window (60 s) per organisation, i.e. the whole server. */
  rateLimits?: { postPerMinute: number; getPerMinute: number } | null;
  /** Whether normal rate-limit 429s carry Retry-After (seconds until a slot frees). Default false (UNCONFIRMED, https://docs.mindee.com/integrations/problem-database). */
  rateLimitRetryAfter?: boolean;
  faults?: FakeFaults;
  /** Default: the 5 models of fixtures search/models.json plus one classification and one ocr model. */
  models?: FakeModel[];
  /** Confidence levels given instead of the fixture's, so that documents differ as real ones do
   * (e.g. one invoice of three with a doubtful total). Rules apply in order, a later one winning,
   * and only when the request asked for confidence scores. Default: none. */
  fieldConfidence?: FieldConfidenceRule[];
  webhooks?: FakeWebhook[];
  /** Default false: the test n8n serves a self-signed certificate. */
  webhookTlsRejectUnauthorized?: boolean;
  /** Default 50 (https://docs.mindee.com/integrations/api-reference). */
  perPageDefault?: number;

  // ---- Extra knobs (not part of the real API surface; mostly to make tests fast) ----
  /** Length of the rolling rate-limit window. Default 60000. */
  rateLimitWindowMs?: number;
  /** Delays between webhook delivery attempts; attempts = length + 1. Default [500, 1000]. */
  webhookRetryDelaysMs?: number[];
  /** Timeout of one webhook delivery attempt. Default 10000. */
  webhookTimeoutMs?: number;
  /** Largest accepted file. Default 100 MiB (https://docs.mindee.com/integrations/technical-limitations); larger gives 413 (UNCONFIRMED). */
  maxFileBytes?: number;
  /** Base URL written in polling_url / result_url / Location. Default: derived from the request's
   * Host header (so the URLs work under whatever name the client used), else `url`. */
  publicUrl?: string;
}

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  /** Under the brokenAnswers `html500` fault: what Mindee answered before the proxy replaced it. */
  mindeeStatus?: number;
  fields?: Record<string, string | string[]>;
  file?: { filename: string; size: number; sha256: string; contentType?: string };
}

export interface FakeJobRecord {
  id: string;
  modelId: string;
  product: string;
  filename: string;
  alias: string | null;
  webhookIds: string[];
  enqueuedAt: number;
  readyAt: number;
  resultFetchedAt?: number;
  status: 'Processing' | 'Processed' | 'Failed';
  pollCount: number;
  fields: Record<string, string | string[]>;
}

export interface WebhookDelivery {
  at: number;
  webhookId: string;
  url: string;
  status: number | null;
  error?: string;
  body: string;
  signature: string;
}

export interface FakeMindee {
  /** e.g. http://127.0.0.1:54321 (no trailing slash) */
  url: string;
  apiKey: string;
  requests: RecordedRequest[];
  jobs: Map<string, FakeJobRecord>;
  webhookDeliveries: WebhookDelivery[];
  /** Change processingMs, rateLimits, faults, models, webhooks (and the extra knobs) at runtime. */
  configure(patch: Partial<FakeMindeeOptions>): void;
  /** Clear requests/jobs/deliveries and rate windows (and restart fault clocks and seeds). */
  reset(): void;
  stop(): Promise<void>;
}

/** A problem-details body (https://docs.mindee.com/integrations/problem-database): RFC 9457-style without type/instance. */
export interface Problem {
  status: number;
  detail: string;
  title: string;
  code: string;
  errors: { pointer: string | null; detail: string }[];
}

/** A field of an extraction result as Mindee sends it and the fixtures hold it
 * (https://docs.mindee.com/integrations/api-reference): a simple field has `value`, a list field
 * `items`, an object field `fields`. */
export interface MindeeResultField {
  value?: string | number | boolean | null;
  items?: MindeeResultField[];
  fields?: Record<string, MindeeResultField>;
  locations?: unknown[];
  confidence?: string | null;
  [key: string]: unknown;
}

/** A field definition of an enqueue's `data_schema` (https://docs.mindee.com/integrations/api-reference). */
export interface DataSchemaField {
  name: string;
  type?: string;
  is_array?: boolean;
  nested_fields?: DataSchemaField[];
  [key: string]: unknown;
}

/** `data_schema`: `{"replace": {"fields": [...]}}`. */
export interface DataSchema {
  replace: { fields: DataSchemaField[] };
}
