/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * POST /v2/products/{slug}/enqueue (and deprecated /v2/inferences/enqueue): body reading and validation
 * (https://docs.mindee.com/integrations/api-reference). Returns either a job to create or the problem to answer.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ExtractionOptions } from './fixtures';
import { extensionFor, sniffMime } from './fileSniffing';
import type { NewJob } from './jobs';
import { MultipartError, multipartBoundary, parseMultipart, summarizeBase64Text, type UploadSummary } from './multipart';
import * as problems from './problems';
import type { FakeState } from './state';
import type { DataSchema, DataSchemaField, ModelType, Problem, RecordedRequest } from './types';
import { isUuid, parseBool, readBody } from './util';

export interface EnqueueBody {
  /** Text fields in arrival order. */
  fields: [string, string][];
  /** The `file` part and/or the decoded `file_base64` value. */
  uploads: UploadSummary[];
  /** Malformed body (answered 400). */
  parseError?: string;
  /** A file or field over the limits (answered 413). */
  tooLarge: boolean;
}

const MAX_FIELD_BYTES = 16 * 1024 * 1024;

/** Reads multipart (streaming), urlencoded or JSON enqueue bodies. FastAPI form parameters accept
 * urlencoded too; the JSON body is declared by OAS but UNCONFIRMED by any SDK (https://docs.mindee.com/integrations/api-reference). */
export async function readEnqueueBody(req: IncomingMessage, maxFileBytes: number): Promise<EnqueueBody> {
  const contentType = String(req.headers['content-type'] ?? '');
  const boundary = multipartBoundary(contentType);
  if (boundary) {
    try {
      const parsed = await parseMultipart(req, boundary, {
        fileFields: ['file'],
        base64Fields: ['file_base64'],
        maxFileBytes,
        maxFieldBytes: MAX_FIELD_BYTES,
      });
      return {
        fields: parsed.fields,
        uploads: parsed.files.filter((f) => f.field === 'file' || f.field === 'file_base64'),
        tooLarge: parsed.fieldTooLarge || parsed.files.some((f) => f.tooLarge),
      };
    } catch (err) {
      if (err instanceof MultipartError) return { fields: [], uploads: [], parseError: err.message, tooLarge: false };
      // eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here: the fake server's own errors reach its 500 handler
      throw err;
    }
  }
  const isJson = /^application\/json\s*(;|$)/i.test(contentType);
  const isUrlEncoded = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType);
  const raw = await readBody(req, Math.ceil(maxFileBytes * 1.4) + MAX_FIELD_BYTES);
  if (raw === 'too-large') return { fields: [], uploads: [], tooLarge: true };
  const fields: [string, string][] = [];
  if (isUrlEncoded) {
    for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) fields.push([k, v]);
  } else if (isJson && raw.length > 0) {
    let data: unknown;
    try {
      data = JSON.parse(raw.toString('utf8'));
    } catch {
      return { fields: [], uploads: [], parseError: 'invalid JSON body', tooLarge: false };
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      return { fields: [], uploads: [], parseError: 'the JSON body must be an object', tooLarge: false };
    }
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item === null || item === undefined) continue;
        fields.push([k, typeof item === 'object' ? JSON.stringify(item) : String(item)]);
      }
    }
  }
  // Other content types: no fields, which ends in the usual validation errors.
  const uploads: UploadSummary[] = [];
  const rest: [string, string][] = [];
  for (const [k, v] of fields) {
    if (k === 'file_base64' && !uploads.length) uploads.push(summarizeBase64Text(k, v, maxFileBytes));
    else if (k !== 'file_base64') rest.push([k, v]);
  }
  return { fields: rest, uploads, tooLarge: uploads.some((u) => u.tooLarge) };
}

/** The text fields as recorded in RecordedRequest.fields (file_base64 summarised, not stored). */
export function recordedFields(body: EnqueueBody): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const add = (k: string, v: string): void => {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  };
  for (const [k, v] of body.fields) add(k, v);
  for (const u of body.uploads) if (u.field === 'file_base64') add('file_base64', `[base64: ${u.base64Chars ?? 0} chars]`);
  return out;
}

export function recordedFile(body: EnqueueBody, filename?: string): RecordedRequest['file'] {
  const upload = body.uploads[0];
  if (!upload) return undefined;
  const file: NonNullable<RecordedRequest['file']> = {
    filename: filename ?? upload.filename ?? '',
    size: upload.size,
    sha256: upload.sha256,
  };
  if (upload.contentType) file.contentType = upload.contentType;
  return file;
}

export type EnqueueOutcome = { ok: true; job: NewJob } | { ok: false; problem: Problem; filename?: string };

const EXTRACTION_BOOLS = ['rag', 'raw_text', 'polygon', 'confidence'] as const;
const FIELD_NAME = /^[a-z0-9](?:[a-z0-9_]*[a-z0-9])?$/;

export function validateEnqueue(body: EnqueueBody, product: ModelType, state: FakeState): EnqueueOutcome {
  if (body.tooLarge) return { ok: false, problem: problems.fileTooLarge(state.opts.maxFileBytes) };
  if (body.parseError) {
    return { ok: false, problem: problems.problem(400, '400-002', 'Invalid request body', `There was an error parsing the body: ${body.parseError}.`) };
  }
  // Single-valued fields: the last occurrence wins (FastAPI); webhook_ids collects every occurrence.
  const last = (name: string): string | undefined => {
    let value: string | undefined;
    for (const [k, v] of body.fields) if (k === name) value = v;
    return value;
  };
  const filePart = body.uploads.find((u) => u.field === 'file');
  const base64 = body.uploads.find((u) => u.field === 'file_base64');
  const url = last('url');
  const errors: { pointer: string; detail: string }[] = [];

  // 1. Form schema validation: one 422-001 listing every invalid field (https://docs.mindee.com/integrations/api-reference, fixture job/fail_422.json).
  const modelId = last('model_id')?.trim();
  if (!modelId) errors.push({ pointer: '#/model_id', detail: 'Field required' });
  else if (!isUuid(modelId)) errors.push({ pointer: '#/model_id', detail: 'model_id must be a valid UUID format' });
  if (url !== undefined) {
    if (url.length < 1 || url.length > 2048) errors.push({ pointer: '#/url', detail: 'url must be between 1 and 2048 characters' });
    else if (!/^https:\/\/[^/\s]+/i.test(url)) errors.push({ pointer: '#/url', detail: 'url must be a valid https:// URL' });
  }
  if (base64) {
    if ((base64.base64Chars ?? 0) < 15) errors.push({ pointer: '#/file_base64', detail: 'String should have at least 15 characters' });
    else if (base64.invalidBase64) errors.push({ pointer: '#/file_base64', detail: 'file_base64 must be valid base64' });
  }
  const webhookIds: string[] = [];
  for (const [k, v] of body.fields) {
    if (k !== 'webhook_ids' && k !== 'webhook_ids[]') continue;
    for (const part of v.split(',')) {
      const id = part.trim();
      if (!id) continue;
      if (!isUuid(id)) errors.push({ pointer: '#/webhook_ids', detail: `webhook_ids must be valid UUIDs, got '${id}'` });
      else if (!webhookIds.some((w) => w.toLowerCase() === id.toLowerCase())) webhookIds.push(id);
    }
  }
  // Extraction-only fields; utility products ignore them (OAS UtilityEnqueueForm, https://docs.mindee.com/integrations/api-reference).
  const options: ExtractionOptions = { rag: false, raw_text: false, polygon: false, confidence: false, text_context: null, data_schema: null };
  if (product === 'extraction') {
    for (const name of EXTRACTION_BOOLS) {
      const raw = last(name);
      if (raw === undefined || raw === '') continue; // omitted: model default, here false (https://docs.mindee.com/integrations/api-reference)
      const parsed = parseBool(raw);
      if (parsed === undefined) errors.push({ pointer: `#/${name}`, detail: `${name} must be a boolean ("true" or "false")` });
      else options[name] = parsed;
    }
    const textContext = last('text_context');
    if (textContext) options.text_context = textContext;
    const dataSchema = last('data_schema');
    if (dataSchema) {
      const checked = checkDataSchema(dataSchema);
      if (typeof checked === 'string') errors.push({ pointer: '#/data_schema', detail: checked });
      else options.data_schema = checked;
    }
  }
  if (errors.length) return { ok: false, problem: problems.invalidFields(errors) };

  // 2. Exactly one input source. None: 400 "missing required param" (https://docs.mindee.com/integrations/problem-database table); several: 422
  // "invalid param". Both choices UNCONFIRMED.
  const sources = [filePart && 'file', url !== undefined && 'url', base64 && 'file_base64'].filter(Boolean) as string[];
  if (sources.length === 0) {
    return { ok: false, problem: problems.missingInput("One of 'file', 'url' or 'file_base64' is required.") };
  }
  if (sources.length > 1) {
    return {
      ok: false,
      problem: problems.invalidFields(sources.map((s) => ({ pointer: `#/${s}`, detail: "Only one of 'file', 'url' or 'file_base64' may be given." }))),
    };
  }

  // 3. Model: unknown well-formed id gives 404 (https://docs.mindee.com/integrations/api-reference); another product's model gives 422 (UNCONFIRMED).
  const model = state.findModel(modelId!);
  if (!model) return { ok: false, problem: problems.modelNotFound(modelId!) };
  if (model.model_type !== product) {
    return { ok: false, problem: problems.modelTypeMismatch(`Model ${model.id} is a '${model.model_type}' model and cannot be used with the '${product}' product.`) };
  }

  // 4. Webhooks must belong to the model (https://docs.mindee.com/integrations/api-reference: 422 "no matching webhooks").
  const { targets, unknown } = state.resolveWebhooks(model, webhookIds);
  if (unknown.length) return { ok: false, problem: problems.noMatchingWebhooks(unknown) };

  // 5. File content: empty or not an accepted type gives 422 (https://docs.mindee.com/integrations/problem-database, https://docs.mindee.com/integrations/technical-limitations).
  const upload = filePart ?? base64;
  let mimeType: string | undefined;
  if (upload) {
    if (upload.size === 0) return { ok: false, problem: problems.invalidFile('The file is empty.') };
    const sniffed = sniffMime(upload.head);
    if (!sniffed) {
      return { ok: false, problem: problems.invalidFile('Unsupported file type: accepted are PDF, JPEG, PNG, WebP, TIFF, HEIC and HEIF.') };
    }
    mimeType = sniffed;
  }

  const alias = last('alias');
  const filename = resolveFilename(last('filename'), upload, url, mimeType);
  return {
    ok: true,
    job: {
      id: randomUUID(),
      modelId: model.id,
      product,
      resultFixture: model.resultFixture,
      filename,
      alias: alias ? alias : null,
      webhooks: targets,
      fields: recordedFields(body),
      mimeType,
      options,
      fieldConfidence: state.opts.fieldConfidence.filter((rule) => rule.fileName === undefined || rule.fileName === filename),
      processingMs: state.processingMsFor(model, upload?.size),
      fail: state.faults.jobShouldFail(),
    },
  };
}

/** `filename` field, else the file part's filename, else the URL's last path segment; base64 and
 * unnamed inputs get "document.<ext>" (UNCONFIRMED: the real default is unknown). */
export function resolveFilename(field: string | undefined, upload: UploadSummary | undefined, url: string | undefined, mime?: string): string {
  if (field) return field;
  if (upload?.filename) return upload.filename;
  if (url) {
    try {
      const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
      if (segment) return decodeURIComponent(segment);
    } catch {
      // fall through
    }
  }
  return `document.${extensionFor(mime ?? null)}`;
}

/** data_schema must be a JSON string `{"replace": {"fields": [...]}}` (https://docs.mindee.com/integrations/api-reference). */
function checkDataSchema(text: string): DataSchema | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'data_schema must be a valid JSON string';
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'data_schema must be a JSON object';
  const fields = (parsed as { replace?: { fields?: unknown } }).replace?.fields;
  if (!Array.isArray(fields)) return 'data_schema must have the shape {"replace": {"fields": [...]}}';
  const bad = findBadFieldName(fields);
  if (bad !== null) return `invalid field name '${bad}': use [a-z0-9_], not starting or ending with '_'`;
  return parsed as DataSchema;
}

function findBadFieldName(fields: unknown[]): string | null {
  for (const field of fields) {
    const f = field as Partial<DataSchemaField> | null;
    if (!f || typeof f !== 'object' || typeof f.name !== 'string' || !FIELD_NAME.test(f.name)) return String(f?.name);
    if (Array.isArray(f.nested_fields)) {
      const nested = findBadFieldName(f.nested_fields);
      if (nested !== null) return nested;
    }
  }
  return null;
}
