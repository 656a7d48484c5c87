import { isSameOrigin, normaliseBaseUrl, resolveUrl } from '../../nodes/Mindee/shared/transport/httpClient';

describe('urls', () => {
	it('only trusts URLs on the credential\'s origin', () => {
		expect(isSameOrigin('https://api-v2.mindee.net/v2/jobs/1', 'https://api-v2.mindee.net')).toBe(true);
		expect(isSameOrigin('https://evil.example/v2/jobs/1', 'https://api-v2.mindee.net')).toBe(false);
		expect(isSameOrigin('http://api-v2.mindee.net/v2/jobs/1', 'https://api-v2.mindee.net')).toBe(false);
		expect(isSameOrigin('https://api-v2.mindee.net.evil.example/x', 'https://api-v2.mindee.net')).toBe(false);
		expect(isSameOrigin('not a url', 'https://api-v2.mindee.net')).toBe(false);
	});

	it('normalises the base URL and resolves paths against it', () => {
		expect(normaliseBaseUrl(' http://127.0.0.1:8787/ ', 'https://x')).toBe('http://127.0.0.1:8787');
		expect(normaliseBaseUrl('', 'https://api-v2.mindee.net')).toBe('https://api-v2.mindee.net');
		expect(resolveUrl('https://a.b', '/v2/search/models')).toBe('https://a.b/v2/search/models');
		expect(resolveUrl('https://a.b', 'https://a.b/v2/jobs/1')).toBe('https://a.b/v2/jobs/1');
	});
});
