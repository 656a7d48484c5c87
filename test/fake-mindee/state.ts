/**
 * The fake server's runtime state: resolved options (changeable through configure()), models and
 * webhooks lookups, and the stores (requests, jobs, deliveries, rate windows, faults).
 */
import { defaultModels } from './fixtures';
import { Faults, mulberry32 } from './faults';
import { JobStore } from './jobs';
import { RateLimiter } from './rateLimiter';
import type { FakeMindeeOptions, FakeModel, FakeWebhook, FieldConfidenceRule, RecordedRequest, WebhookDelivery } from './types';
import type { DeliveryTarget } from './webhooks';
import { WebhookDispatcher } from './webhooks';

export interface RuntimeOptions {
  apiKey: string;
  processingMs: number;
  processingSpread: number;
  processingSeed: number;
  processingMsBySize: { upToBytes: number; processingMs: number }[];
  rateLimits: { postPerMinute: number; getPerMinute: number } | null;
  rateLimitRetryAfter: boolean;
  models: FakeModel[];
  fieldConfidence: FieldConfidenceRule[];
  webhooks: FakeWebhook[];
  webhookTlsRejectUnauthorized: boolean;
  perPageDefault: number;
  rateLimitWindowMs: number;
  webhookRetryDelaysMs: number[];
  webhookTimeoutMs: number;
  maxFileBytes: number;
  publicUrl?: string;
}

const RUNTIME_KEYS: (keyof RuntimeOptions)[] = [
  'apiKey', 'processingMs', 'processingSpread', 'processingSeed', 'processingMsBySize', 'rateLimits', 'rateLimitRetryAfter', 'models', 'fieldConfidence', 'webhooks', 'webhookTlsRejectUnauthorized',
  'perPageDefault', 'rateLimitWindowMs', 'webhookRetryDelaysMs', 'webhookTimeoutMs', 'maxFileBytes', 'publicUrl',
];

export const DEFAULT_API_KEY = 'md_fake_local_key';

/** Public listing entry of a webhook (https://docs.mindee.com/integrations/api-reference: never the secret). */
export interface WebhookListing {
  id: string;
  name: string;
  url: string;
}

export class FakeState {
  readonly opts: RuntimeOptions;
  readonly requests: RecordedRequest[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  readonly faults: Faults;
  readonly rateLimiter: RateLimiter;
  readonly dispatcher: WebhookDispatcher;
  readonly jobs: JobStore;
  /** Draws of processing times (processingSpread), restarted by reset() and by a new processingSeed. */
  private processingRandom: () => number = mulberry32(1);
  /** Set once listening. */
  url = '';

  constructor(options: FakeMindeeOptions, readonly tls: boolean) {
    this.opts = {
      apiKey: DEFAULT_API_KEY,
      processingMs: 1000,
      processingSpread: 0,
      processingSeed: 1,
      processingMsBySize: [],
      rateLimits: null,
      rateLimitRetryAfter: false,
      models: defaultModels(),
      fieldConfidence: [],
      webhooks: [],
      webhookTlsRejectUnauthorized: false,
      perPageDefault: 50,
      rateLimitWindowMs: 60_000,
      webhookRetryDelaysMs: [500, 1000],
      webhookTimeoutMs: 10_000,
      maxFileBytes: 100 * 1024 * 1024,
    };
    this.applyRuntime(options);
    this.processingRandom = mulberry32(this.opts.processingSeed);
    this.faults = new Faults(options.faults);
    this.rateLimiter = new RateLimiter(() => this.opts.rateLimits, () => this.opts.rateLimitWindowMs);
    this.dispatcher = new WebhookDispatcher(this.deliveries, {
      rejectUnauthorized: () => this.opts.webhookTlsRejectUnauthorized,
      retryDelaysMs: () => this.opts.webhookRetryDelaysMs,
      timeoutMs: () => this.opts.webhookTimeoutMs,
    });
    this.jobs = new JobStore(this.dispatcher);
  }

  private applyRuntime(patch: Partial<FakeMindeeOptions>): void {
    const target = this.opts as unknown as Record<string, unknown>;
    for (const key of RUNTIME_KEYS) {
      if (!(key in patch)) continue;
      const value = (patch as Record<string, unknown>)[key];
      if (value === undefined && key !== 'publicUrl') continue;
      target[key] = key === 'models' || key === 'webhooks' || key === 'fieldConfidence' ? structuredClone(value) : value;
    }
    if (this.opts.publicUrl) this.opts.publicUrl = this.opts.publicUrl.replace(/\/+$/, '');
  }

  /** Runtime changes. host/port/tls cannot change once listening and are ignored. Faults are replaced
   * as a whole (and their clock and seed restart). */
  configure(patch: Partial<FakeMindeeOptions>): void {
    this.applyRuntime(patch);
    if ('processingSeed' in patch) this.processingRandom = mulberry32(this.opts.processingSeed);
    if ('faults' in patch) this.faults.set(patch.faults ?? {});
  }

  reset(): void {
    this.requests.length = 0;
    this.deliveries.length = 0;
    this.dispatcher.cancelAll();
    this.jobs.clear();
    this.rateLimiter.clear();
    this.faults.restart();
    this.processingRandom = mulberry32(this.opts.processingSeed);
  }

  findModel(id: string): FakeModel | undefined {
    const wanted = id.toLowerCase();
    return this.opts.models.find((m) => m.id.toLowerCase() === wanted);
  }

  /** Webhooks of a model: those listed on the model merged with the FakeWebhooks of that model
   * (a FakeWebhook wins for the same id; it is the only one with a secret). */
  webhooksOf(model: FakeModel): (WebhookListing & { secret: string | null })[] {
    const out = new Map<string, WebhookListing & { secret: string | null }>();
    for (const w of model.webhooks ?? []) out.set(w.id.toLowerCase(), { id: w.id, name: w.name, url: w.url, secret: null });
    for (const w of this.opts.webhooks) {
      if (w.modelId.toLowerCase() !== model.id.toLowerCase()) continue;
      const listed = out.get(w.id.toLowerCase());
      out.set(w.id.toLowerCase(), { id: w.id, name: w.name ?? listed?.name ?? `Webhook ${w.id.slice(0, 8)}`, url: w.url, secret: w.secret });
    }
    return [...out.values()];
  }

  /** The model as listed by GET /v2/search/models (https://docs.mindee.com/integrations/api-reference). `webhooks` stays absent when the model
   * has none declared, like the last model of fixture search/models.json. */
  modelListing(model: FakeModel): Record<string, unknown> {
    const webhooks = this.webhooksOf(model).map(({ id, name, url }) => ({ id, name, url }));
    const listing: Record<string, unknown> = { id: model.id, name: model.name, model_type: model.model_type };
    if (model.webhooks !== undefined || webhooks.length > 0) listing.webhooks = webhooks;
    return listing;
  }

  /** Resolves webhook ids for a model: the targets, or the ids that do not match. */
  resolveWebhooks(model: FakeModel, ids: string[]): { targets: DeliveryTarget[]; unknown: string[] } {
    const known = new Map(this.webhooksOf(model).map((w) => [w.id.toLowerCase(), w]));
    const targets: DeliveryTarget[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const hook = known.get(id.toLowerCase());
      if (hook) targets.push({ webhookId: hook.id, url: hook.url, secret: hook.secret });
      else unknown.push(id);
    }
    return { targets, unknown };
  }

  /** A new job's processing time: by file size, else the model's, else the server's; then spread. */
  processingMsFor(model: FakeModel, fileBytes?: number): number {
    const bySize = fileBytes === undefined ? undefined : this.opts.processingMsBySize.find((entry) => fileBytes <= entry.upToBytes);
    const base = bySize?.processingMs ?? model.processingMs ?? this.opts.processingMs;
    const spread = Math.min(Math.max(this.opts.processingSpread, 0), 1);
    if (spread === 0) return base;
    return Math.round(base * (1 - spread + 2 * spread * this.processingRandom()));
  }

  stop(): void {
    this.dispatcher.cancelAll();
    this.jobs.cancelTimers();
  }
}
