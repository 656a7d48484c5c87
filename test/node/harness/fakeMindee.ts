/**
 * One fake Mindee server per test file: started before the file's first test, stopped after its
 * last. Before each test its request log and jobs are cleared (`reset()`) and `eachTest()`'s
 * settings (models, processing time, faults) applied, so no test sees another's traffic.
 *
 *   const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels() }));
 *   it('…', async () => { … credentials: { apiKey: fake.apiKey, baseUrl: fake.url } … });
 *
 * The returned object stands for the running server: use it inside tests and hooks only.
 */
import { startFakeMindee, type FakeMindee, type FakeMindeeOptions } from '../../fake-mindee/server';

export function useFakeMindee(
	options: FakeMindeeOptions,
	eachTest?: () => Partial<FakeMindeeOptions>,
): FakeMindee {
	let running: FakeMindee | undefined;
	beforeAll(async () => {
		running = await startFakeMindee(options);
	});
	afterAll(async () => {
		await running?.stop();
	});
	beforeEach(() => {
		const fake = started();
		fake.reset();
		if (eachTest) fake.configure(eachTest());
	});

	function started(): FakeMindee {
		if (!running) throw new Error('The fake Mindee server runs only inside tests and their hooks');
		return running;
	}
	return new Proxy({} as FakeMindee, {
		get(_target, property) {
			const fake = started();
			const value = Reflect.get(fake, property, fake);
			return typeof value === 'function' ? value.bind(fake) : value;
		},
	});
}
