/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Job store and lifecycle: Processing until readyAt, then Processed or Failed on a timer, which also
 * starts webhook delivery (https://docs.mindee.com/integrations/polling-for-results, https://docs.mindee.com/integrations/webhooks). Renders the job JSON and the result / failure bodies.
 */
import { DEFAULT_RESULT_FIXTURES, renderResult, type ExtractionOptions } from './fixtures';
import { inferenceFailed } from './problems';
import type { FakeJobRecord, FieldConfidenceRule, ModelType, Problem } from './types';
import type { DeliveryTarget, JobWebhookEntry, WebhookDispatcher } from './webhooks';
import { isoMicro, preciseNow } from './util';

export interface NewJob {
  id: string;
  modelId: string;
  product: ModelType;
  resultFixture?: string;
  filename: string;
  alias: string | null;
  webhooks: DeliveryTarget[];
  fields: Record<string, string | string[]>;
  mimeType?: string;
  options: ExtractionOptions;
  /** The fieldConfidence rules that apply to this document (FakeMindeeOptions). */
  fieldConfidence?: FieldConfidenceRule[];
  processingMs: number;
  fail: boolean;
}

export interface JobState {
  record: FakeJobRecord;
  product: ModelType;
  resultFixture: string;
  mimeType?: string;
  options: ExtractionOptions;
  fieldConfidence: FieldConfidenceRule[];
  fail: boolean;
  createdAtMs: number;
  completedAtMs: number | null;
  error: Problem | null;
  targets: DeliveryTarget[];
  webhookEntries: JobWebhookEntry[];
}

export class JobStore {
  /** Public view (FakeMindee.jobs): the same Map instance for the server's whole life. */
  readonly records = new Map<string, FakeJobRecord>();
  private readonly states = new Map<string, JobState>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly dispatcher: WebhookDispatcher) {}

  create(job: NewJob): JobState {
    const createdAtMs = preciseNow();
    const enqueuedAt = Math.floor(createdAtMs);
    const record: FakeJobRecord = {
      id: job.id,
      modelId: job.modelId,
      product: job.product,
      filename: job.filename,
      alias: job.alias,
      webhookIds: job.webhooks.map((w) => w.webhookId),
      enqueuedAt,
      readyAt: enqueuedAt + Math.max(0, job.processingMs),
      status: 'Processing',
      pollCount: 0,
      fields: job.fields,
    };
    const state: JobState = {
      record,
      product: job.product,
      resultFixture: job.resultFixture ?? DEFAULT_RESULT_FIXTURES[job.product],
      mimeType: job.mimeType,
      options: job.options,
      fieldConfidence: job.fieldConfidence ?? [],
      fail: job.fail,
      createdAtMs,
      completedAtMs: null,
      error: null,
      targets: job.webhooks,
      webhookEntries: [],
    };
    this.records.set(job.id, record);
    this.states.set(job.id, state);
    const timer = setTimeout(() => {
      this.timers.delete(job.id);
      this.finish(state);
    }, Math.max(0, record.readyAt - Date.now()));
    this.timers.set(job.id, timer);
    return state;
  }

  /** The job, brought up to date if its ready time has passed (timers may lag under load). */
  get(id: string): JobState | undefined {
    const state = this.states.get(id.toLowerCase());
    if (state && state.record.status === 'Processing' && Date.now() >= state.record.readyAt) this.finish(state);
    return state;
  }

  private finish(state: JobState): void {
    if (state.record.status !== 'Processing') return;
    const timer = this.timers.get(state.record.id);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(state.record.id);
    }
    // Done when its processing time was over, however late a busy machine's timer or poll noticed.
    state.completedAtMs = state.createdAtMs + (state.record.readyAt - state.record.enqueuedAt);
    if (state.fail) {
      state.record.status = 'Failed';
      state.error = inferenceFailed();
    } else {
      state.record.status = 'Processed';
    }
    if (state.targets.length > 0) {
      const body = state.fail ? this.failureBody(state) : this.resultBody(state);
      this.dispatcher.deliver(state.targets, body, state.webhookEntries);
    }
  }

  /** `{"job": {...}}` with the key order of fixture job/ok_processing.json. */
  jobJson(state: JobState, baseUrl: string): { job: Record<string, unknown> } {
    const r = state.record;
    const processed = r.status === 'Processed';
    return {
      job: {
        id: r.id,
        model_id: r.modelId,
        filename: r.filename,
        alias: r.alias,
        created_at: isoMicro(state.createdAtMs),
        completed_at: state.completedAtMs === null ? null : isoMicro(state.completedAtMs),
        status: r.status,
        polling_url: `${baseUrl}/v2/jobs/${r.id}`,
        result_url: processed ? this.resultUrl(state, baseUrl) : null,
        webhooks: state.webhookEntries.map((e) => ({ ...e })),
        error: state.error,
      },
    };
  }

  /** Current route (https://docs.mindee.com/integrations/api-reference, https://docs.mindee.com/integrations/polling-for-results): /v2/products/{slug}/results/{id}, also for jobs enqueued on the deprecated route. */
  resultUrl(state: JobState, baseUrl: string): string {
    return `${baseUrl}/v2/products/${state.product}/results/${state.record.id}`;
  }

  /** Compact JSON of the result (what the result route returns and what webhooks receive). */
  resultBody(state: JobState): string {
    return JSON.stringify(
      renderResult({
        jobId: state.record.id,
        modelId: state.record.modelId,
        product: state.product,
        fixture: state.resultFixture,
        filename: state.record.filename,
        alias: state.record.alias,
        mimeType: state.mimeType,
        options: state.options,
        fieldConfidence: state.fieldConfidence,
      }),
    );
  }

  /** https://docs.mindee.com/integrations/webhooks, fixture errors/webhook_error_500_failed.json. */
  failureBody(state: JobState): string {
    return JSON.stringify({
      inference_id: state.record.id,
      model_id: state.record.modelId,
      file_name: state.record.filename,
      file_alias: state.record.alias,
      error: state.error ?? inferenceFailed(),
      created_at: isoMicro(state.createdAtMs, true),
    });
  }

  /** Stops the lifecycle timers (jobs stay visible). */
  cancelTimers(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  clear(): void {
    this.cancelTimers();
    this.states.clear();
    this.records.clear();
  }
}
