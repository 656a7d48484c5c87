import { nextPollDelayMs } from '../../nodes/Mindee/polling/pollingSchedule';
import { isSameOrigin, normaliseBaseUrl, resolveUrl } from '../../nodes/Mindee/shared/transport/httpClient';

describe('nextPollDelayMs', () => {
	const settings = { initialDelayMs: 2000, intervalMs: 1500, maxWaitMs: 600_000 };

	it('keeps the base interval while the job is young', () => {
		expect(nextPollDelayMs(settings, 3000, 1500)).toBe(1500);
		expect(nextPollDelayMs(settings, 4900, 1500)).toBe(1500);
	});

	it('never polls faster than once a second, whatever the setting', () => {
		expect(nextPollDelayMs({ ...settings, intervalMs: 200 }, 1000, 200)).toBe(1000);
	});

	it('spaces polls out for long jobs, up to a ceiling', () => {
		let delay = 1500;
		let age = 2000;
		let polls = 0;
		while (age < 60_000) {
			delay = nextPollDelayMs(settings, age, delay);
			age += delay;
			polls++;
		}
		expect(delay).toBeLessThanOrEqual(6000);
		// With the result fetch, a one-minute job costs at most 15 GETs.
		expect(polls).toBeLessThanOrEqual(14);
	});
});

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
