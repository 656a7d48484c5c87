/**
 * Problem-details bodies (https://docs.mindee.com/integrations/problem-database): `{status, detail, title, code, errors}`, no `type`/`instance`.
 * Observed codes (from fixtures): 401-001, 401-008, 422-001, 500-012. Every other code number here is
 * made up in the documented `<http>-<nnn>` shape and is UNCONFIRMED.
 */
import { loadFixture } from './fixtures';
import type { Problem } from './types';

type FieldError = { pointer: string | null; detail: string };

export function problem(status: number, code: string, title: string, detail: string, errors: FieldError[] = []): Problem {
  return { status, detail, title, code, errors };
}

/** 401-008, verbatim fixture errors/error_401_missing_credentials.json. */
export function missingCredentials(): Problem {
  return loadFixture<Problem>('errors/error_401_missing_credentials.json');
}

/** 401-001, verbatim fixture errors/error_401_invalid_api_key.json. */
export function invalidApiKey(): Problem {
  return loadFixture<Problem>('errors/error_401_invalid_api_key.json');
}

/** 422-001 as in fixture job/fail_422.json. */
export function invalidFields(errors: FieldError[]): Problem {
  return problem(422, '422-001', 'Invalid fields in form', 'One or more fields failed validation.', errors);
}

/** https://docs.mindee.com/integrations/problem-database: 400 = "missing required param". Code UNCONFIRMED. */
export function missingInput(detail: string): Problem {
  return problem(400, '400-001', 'Missing required parameter', detail);
}

/** https://docs.mindee.com/integrations/problem-database: 422 = "invalid or empty file". Code UNCONFIRMED. */
export function invalidFile(detail: string): Problem {
  return problem(422, '422-002', 'Invalid file', detail, [{ pointer: '#/file', detail }]);
}

/** Model of another type than the product slug. Both status and code UNCONFIRMED. */
export function modelTypeMismatch(detail: string): Problem {
  return problem(422, '422-003', 'Invalid model for this product', detail, [{ pointer: '#/model_id', detail }]);
}

/** https://docs.mindee.com/integrations/api-reference: the detail must contain "no matching webhooks" (PY integration test). Code UNCONFIRMED. */
export function noMatchingWebhooks(ids: string[]): Problem {
  return problem(
    422,
    '422-004',
    'Invalid webhooks',
    `No matching webhooks found for this model: ${ids.join(', ')}.`,
    [{ pointer: '#/webhook_ids', detail: 'No matching webhooks.' }],
  );
}

/** https://docs.mindee.com/integrations/api-reference (PY test_unknown_model_must_throw_error): 404 with a `404-` code. Number UNCONFIRMED. */
export function modelNotFound(id: string): Problem {
  return problem(404, '404-001', 'Model not found', `No model with id ${id} was found.`);
}

export function jobNotFound(id: string): Problem {
  return problem(404, '404-002', 'Job not found', `No job with id ${id} was found.`);
}

/** https://docs.mindee.com/integrations/api-reference: not ready, expired, deleted or unknown results are all 404. */
export function resultNotFound(id: string): Problem {
  return problem(404, '404-003', 'Inference not found', `No inference result with id ${id} is available.`);
}

export function routeNotFound(method: string, path: string): Problem {
  return problem(404, '404-000', 'Not found', `No route for ${method} ${path}.`);
}

export function methodNotAllowed(method: string, path: string): Problem {
  return problem(405, '405-000', 'Method not allowed', `Method ${method} is not allowed on ${path}.`);
}

/** https://docs.mindee.com/integrations/api-reference, https://docs.mindee.com/integrations/technical-limitations: files over 100 MB. Status 413 vs 422 and code are UNCONFIRMED. */
export function fileTooLarge(maxBytes: number): Problem {
  return problem(413, '413-001', 'File too large', `The file exceeds the maximum size of ${maxBytes} bytes.`);
}

/** https://docs.mindee.com/integrations/problem-database: 429 code UNCONFIRMED ("a third-party mock used 429-001"). */
export function tooManyRequests(): Problem {
  return problem(429, '429-001', 'Too many requests', 'Rate limit exceeded, wait a few seconds and try again.');
}

/** https://docs.mindee.com/integrations/webhooks fixture errors/webhook_error_500_failed.json error object. */
export function inferenceFailed(): Problem {
  return problem(500, '500-012', 'Inference failed', 'The inference failed due to an internal error.');
}

/** Gateway-style errors injected by the getErrorRate fault: only "problem-ish" (no code, no errors). */
export function gatewayError(status: 502 | 503): Record<string, unknown> {
  return status === 502
    ? { status: 502, title: 'Bad Gateway', detail: 'The upstream server returned an invalid response.' }
    : { status: 503, title: 'Service Unavailable', detail: 'The service is temporarily unavailable.' };
}

/** Webhook delivery failure, as stored in job.webhooks[].error. UNCONFIRMED shape/code. */
export function webhookFailed(detail: string): Problem {
  return problem(502, '502-001', 'Webhook delivery failed', detail);
}
