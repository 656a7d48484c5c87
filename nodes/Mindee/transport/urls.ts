/** Base URL from the credential, without trailing slashes. */
export function normaliseBaseUrl(baseUrl: unknown, fallback: string): string {
	const text = typeof baseUrl === 'string' && baseUrl.trim() !== '' ? baseUrl.trim() : fallback;
	return text.replace(/\/+$/, '');
}

/** Absolute URL for a path ("/v2/…") or an absolute URL Mindee gave us. */
export function resolveUrl(baseUrl: string, pathOrUrl: string): string {
	return /^https?:\/\//i.test(pathOrUrl)
		? pathOrUrl
		: `${baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}

/**
 * Mindee hands out absolute polling and result URLs. The API key is only ever sent to the
 * credential's own origin, so a tampered or unexpected URL cannot collect it.
 */
export function isSameOrigin(url: string, baseUrl: string): boolean {
	try {
		return new URL(url).origin === new URL(baseUrl).origin;
	} catch {
		return false;
	}
}
