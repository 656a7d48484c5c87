/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Signed webhook delivery (https://docs.mindee.com/integrations/webhooks): POST of the compact JSON body, `X-Signature` = lowercase hex
 * HMAC-SHA256 of the exact body bytes keyed with the webhook's secret, `Content-Type: application/json`.
 * 3xx are not followed (https://docs.mindee.com/integrations/webhooks); non-2xx and network failures are retried a few times with a short
 * backoff (retry count and backoff UNCONFIRMED).
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { webhookFailed } from './problems';
import type { Problem, WebhookDelivery } from './types';
import { isoMicro, preciseNow } from './util';

/** Lowercase hex HMAC-SHA256 of the body bytes (UTF-8 when given a string). */
export function signBody(secret: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** One entry of job.webhooks[] (https://docs.mindee.com/integrations/polling-for-results: `{id, created_at, status, error}`). */
export interface JobWebhookEntry {
  id: string;
  created_at: string;
  status: 'Processing' | 'Processed' | 'Failed';
  error: Problem | null;
}

export interface DeliveryTarget {
  webhookId: string;
  url: string;
  /** null: the webhook is only listed on the model (no FakeWebhook with a secret): nothing is sent. */
  secret: string | null;
}

export interface DispatcherSettings {
  rejectUnauthorized(): boolean;
  retryDelaysMs(): number[];
  timeoutMs(): number;
}

export class WebhookDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<http.ClientRequest>();
  private epoch = 0;

  constructor(private readonly deliveries: WebhookDelivery[], private readonly settings: DispatcherSettings) {}

  /** Starts delivering `body` to every target; `entries` receives one live status entry per target. */
  deliver(targets: DeliveryTarget[], body: string, entries: JobWebhookEntry[]): void {
    for (const target of targets) {
      const entry: JobWebhookEntry = { id: target.webhookId, created_at: isoMicro(preciseNow()), status: 'Processing', error: null };
      entries.push(entry);
      if (target.secret === null) {
        // The fake never contacts hosts it has no FakeWebhook (secret) for, e.g. the fixture's mindee.com URLs.
        const error = 'not delivered: no FakeWebhook with a secret is configured for this webhook id';
        this.deliveries.push({ at: Date.now(), webhookId: target.webhookId, url: target.url, status: null, error, body, signature: '' });
        entry.status = 'Failed';
        entry.error = webhookFailed(error);
        continue;
      }
      this.attempt(target, body, signBody(target.secret, body), entry, 0, this.epoch);
    }
  }

  private attempt(target: DeliveryTarget, body: string, signature: string, entry: JobWebhookEntry, n: number, epoch: number): void {
    const at = Date.now();
    void this.post(target.url, body, signature).then(({ status, error }) => {
      if (epoch !== this.epoch) return; // reset or stopped meanwhile
      const record: WebhookDelivery = { at, webhookId: target.webhookId, url: target.url, status, body, signature };
      if (error) record.error = error;
      this.deliveries.push(record);
      if (status !== null && status >= 200 && status < 300) {
        entry.status = 'Processed';
        entry.error = null;
        return;
      }
      const delays = this.settings.retryDelaysMs();
      if (n < delays.length) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.attempt(target, body, signature, entry, n + 1, epoch);
        }, delays[n]);
        this.timers.add(timer);
        return;
      }
      entry.status = 'Failed';
      entry.error = webhookFailed(error ?? `The webhook endpoint answered HTTP ${status}.`);
    });
  }

  private post(url: string, body: string, signature: string): Promise<{ status: number | null; error?: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: null, error: `invalid webhook URL: ${url}` });
        return;
      }
      const isHttps = target.protocol === 'https:';
      if (!isHttps && target.protocol !== 'http:') {
        resolve({ status: null, error: `unsupported webhook URL scheme: ${target.protocol}` });
        return;
      }
      const payload = Buffer.from(body, 'utf8');
      const options: https.RequestOptions = {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          'x-signature': signature,
        },
      };
      if (isHttps) options.rejectUnauthorized = this.settings.rejectUnauthorized();
      let settled = false;
      const finish = (value: { status: number | null; error?: string }): void => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(req);
        resolve(value);
      };
      const req = (isHttps ? https : http).request(target, options, (res) => {
        res.resume(); // the answer body is ignored; 3xx are not followed
        res.on('error', () => undefined);
        finish(res.statusCode && res.statusCode >= 300 && res.statusCode < 400
          ? { status: res.statusCode, error: `redirect to ${res.headers.location ?? '?'} not followed` }
          : { status: res.statusCode ?? null });
      });
      this.inFlight.add(req);
      req.setTimeout(this.settings.timeoutMs(), () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => finish({ status: null, error: err.code ? `${err.code}: ${err.message}` : err.message }));
      req.end(payload);
    });
  }

  /** Drops pending retries and aborts in-flight requests. */
  cancelAll(): void {
    this.epoch++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }
}
