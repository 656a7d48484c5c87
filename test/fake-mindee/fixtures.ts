/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Loading the verbatim Mindee fixtures (test/fixtures/mindee-v2) and rewriting result fixtures for a job.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type {
  DataSchema,
  DataSchemaField,
  FakeModel,
  FieldConfidenceRule,
  MindeeResultField,
  ModelType,
} from './types';

export const FIXTURES_DIR = path.resolve(__dirname, '..', 'fixtures', 'mindee-v2');

const textCache = new Map<string, string>();
const jsonCache = new Map<string, unknown>();

/** Raw bytes (as UTF-8 text) of a fixture, path relative to FIXTURES_DIR. */
export function loadFixtureText(relPath: string): string {
  let text = textCache.get(relPath);
  if (text === undefined) {
    const full = path.resolve(FIXTURES_DIR, relPath);
    if (!full.startsWith(FIXTURES_DIR + path.sep)) throw new Error(`fixture path escapes the fixture folder: ${relPath}`);
    text = readFileSync(full, 'utf8');
    textCache.set(relPath, text);
  }
  return text;
}

/** A fresh deep copy of a JSON fixture (callers may mutate it). */
export function loadFixture<T = unknown>(relPath: string): T {
  let parsed = jsonCache.get(relPath);
  if (parsed === undefined) {
    parsed = JSON.parse(loadFixtureText(relPath));
    jsonCache.set(relPath, parsed);
  }
  return structuredClone(parsed) as T;
}

/** Default result fixture per product. */
export const DEFAULT_RESULT_FIXTURES: Record<ModelType, string> = {
  extraction: 'products/extraction/financial_document/complete_with_coordinates.json',
  classification: 'products/classification/default_sample.json',
  crop: 'products/crop/crop_multiple.json',
  ocr: 'products/ocr/ocr_single.json',
  split: 'products/split/split_multiple.json',
};

/** Models of search/models.json (https://docs.mindee.com/integrations/api-reference; note their ids are not strict v4 UUIDs) plus two added ones,
 * since the fixture has no classification or ocr model. */
export const EXTRA_DEFAULT_MODELS: FakeModel[] = [
  { id: 'f0c1a551-ff66-4f66-9c1a-5511f1ca7101', name: 'Classification Without Webhooks', model_type: 'classification', webhooks: [] },
  { id: '0c70c70c-0077-4077-8077-0c70c70c7001', name: 'OCR Without Webhooks', model_type: 'ocr', webhooks: [] },
];

export function defaultModels(): FakeModel[] {
  const listing = loadFixture<{ models: FakeModel[] }>('search/models.json');
  return [...listing.models, ...structuredClone(EXTRA_DEFAULT_MODELS)];
}

export interface ExtractionOptions {
  rag: boolean;
  raw_text: boolean;
  polygon: boolean;
  confidence: boolean;
  text_context: string | null;
  /** Parsed data_schema (`{replace: {fields: [...]}}`) or null. */
  data_schema: DataSchema | null;
}

export interface ResultInput {
  jobId: string;
  modelId: string;
  product: ModelType;
  fixture: string;
  filename: string;
  alias: string | null;
  /** Sniffed MIME type of an uploaded file; undefined keeps the fixture's (URL inputs are not fetched). */
  mimeType?: string;
  options: ExtractionOptions;
  /** Levels given instead of the fixture's (FakeMindeeOptions.fieldConfidence), when confidence is on. */
  fieldConfidence?: FieldConfidenceRule[];
}

/** A result fixture's inference, as rendered for a job (https://docs.mindee.com/integrations/api-reference). */
export interface RenderedInference {
  id?: string;
  job?: { id: string };
  model?: { id: string };
  file?: { name: string; alias: string | null; page_count: number; mime_type: string };
  result?: { fields?: Record<string, MindeeResultField>; raw_text?: unknown; rag?: unknown; [key: string]: unknown };
  active_options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RenderedResult {
  inference?: RenderedInference;
  [key: string]: unknown;
}

/**
 * The `{"inference": ...}` body for a job: the fixture with ids, file name/alias rewritten and, for
 * extraction, `active_options` / `raw_text` / `rag` / polygons / confidences matching what was sent.
 */
export function renderResult(input: ResultInput): RenderedResult {
  const body = loadFixture<RenderedResult>(input.fixture);
  const inference = body.inference ?? (body.inference = {});
  inference.id = input.jobId; // https://docs.mindee.com/integrations/polling-for-results: inference id == job id in practice
  inference.job = { id: input.jobId };
  inference.model = { id: input.modelId };
  inference.file = { ...(inference.file ?? { page_count: 1, mime_type: 'application/pdf' }), name: input.filename, alias: input.alias };
  if (input.mimeType) inference.file.mime_type = input.mimeType;
  if (input.product === 'extraction') {
    rewriteExtraction(inference, input.options);
    if (input.options.confidence) setConfidence(inference.result?.fields ?? {}, input.fieldConfidence ?? []);
  }
  return body;
}

function rewriteExtraction(inference: RenderedInference, opts: ExtractionOptions): void {
  const result = inference.result ?? (inference.result = {});
  if (opts.data_schema) result.fields = fieldsFromSchema(opts.data_schema, result.fields ?? {});
  // https://docs.mindee.com/integrations/api-reference: when polygon / confidence are off, real responses carry `locations: []` / `confidence: null`
  // (fixtures financial_document/default_sample.json, text_context_enabled.json).
  if (!opts.polygon || !opts.confidence) stripFields(result.fields ?? {}, !opts.polygon, !opts.confidence);
  result.raw_text = opts.raw_text ? loadFixture<RenderedResult>('products/extraction/raw_texts.json').inference?.result?.raw_text : null;
  result.rag = opts.rag ? loadFixture<RenderedResult>('products/extraction/rag_matched.json').inference?.result?.rag : null;
  const active: Record<string, unknown> = inference.active_options ?? (inference.active_options = {});
  active.raw_text = opts.raw_text;
  active.rag = opts.rag;
  active.polygon = opts.polygon;
  active.confidence = opts.confidence;
  active.text_context = !!opts.text_context;
  active.data_schema = { replace: !!opts.data_schema };
}

/** Every level of a field (the field, its list items, its subfields) set to the rule's, rule by rule. */
function setConfidence(fields: Record<string, MindeeResultField>, rules: FieldConfidenceRule[]): void {
  const set = (field: MindeeResultField | null, level: string): void => {
    if (!field || typeof field !== 'object') return;
    if ('confidence' in field) field.confidence = level;
    if (Array.isArray(field.items)) field.items.forEach((item) => set(item, level));
    if (field.fields && typeof field.fields === 'object') Object.values(field.fields).forEach((sub) => set(sub, level));
  };
  for (const rule of rules) {
    for (const [name, field] of Object.entries(fields)) if (rule.field === undefined || rule.field === name) set(field, rule.confidence);
  }
}

function stripFields(fields: Record<string, MindeeResultField>, locations: boolean, confidence: boolean): void {
  const strip = (field: MindeeResultField | null): void => {
    if (!field || typeof field !== 'object') return;
    if (locations && 'locations' in field) field.locations = [];
    if (confidence && 'confidence' in field) field.confidence = null;
    if (Array.isArray(field.items)) field.items.forEach(strip);
    if (field.fields && typeof field.fields === 'object') Object.values(field.fields).forEach(strip);
  };
  Object.values(fields).forEach(strip);
}

/** With data_schema.replace, the fields are those of the schema: reuse the fixture's field of the same
 * name when there is one, else an empty field of the right kind (values are not invented). */
function fieldsFromSchema(schema: DataSchema, fixtureFields: Record<string, MindeeResultField>): Record<string, MindeeResultField> {
  const build = (defs: DataSchemaField[], source: Record<string, MindeeResultField>): Record<string, MindeeResultField> => {
    const out: Record<string, MindeeResultField> = {};
    for (const def of defs) {
      if (!def || typeof def.name !== 'string') continue;
      if (source && def.name in source) {
        out[def.name] = structuredClone(source[def.name]);
      } else if (def.is_array) {
        out[def.name] = { items: [], confidence: null };
      } else if (def.type === 'nested_object') {
        out[def.name] = { fields: build(Array.isArray(def.nested_fields) ? def.nested_fields : [], {}), confidence: null, locations: [] };
      } else {
        out[def.name] = { value: null, confidence: null, locations: [] };
      }
    }
    return out;
  };
  const defs = schema?.replace?.fields;
  return build(Array.isArray(defs) ? defs : [], fixtureFields);
}

/** Mindee's published X-Signature test vector, read from SOURCES.md where it is recorded with its
 * source (mindee-api-nodejs): the HMAC-SHA256 key, the fixture it signs (`\r` and `\n` removed) and
 * the signature. */
export function signatureTestVector(): { key: string; fixture: string; signature: string } {
  const sources = loadFixtureText('SOURCES.md');
  const match = /`v2\/(products\/[^`]+\.json)`[^`]*?HMAC test vector: HMAC-SHA256 with key\s+`([^`]+)`[\s\S]*?gives\s+`([0-9a-f]{64})`/.exec(sources);
  if (!match) throw new Error('SOURCES.md no longer records the X-Signature test vector');
  return { fixture: match[1], key: match[2], signature: match[3] };
}
