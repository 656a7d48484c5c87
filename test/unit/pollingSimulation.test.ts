/**
 * Batches at the node's defaults, polled by its own scheduler against a simulated Mindee on Jest's
 * fake clock (simulatedPolling.ts): the figures are what the scheduler decided, not the machine's
 * speed.
 */
import { GETS_PER_MINUTE, percentile, simulate, type Figures } from './simulatedPolling';

beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
afterEach(() => jest.useRealTimers());

/** What Mindee asks and the credential allows, in every run. */
function expectWithinLimits(figures: Figures): void {
	expect(figures.busiestWindowGets).toBeLessThanOrEqual(GETS_PER_MINUTE);
	expect(figures.closestChecksMs).toBeGreaterThanOrEqual(1_000);
}

describe("batches at the node's defaults, first execution (no history), in simulated time", () => {
	it('300 documents at 20 s ± 30 %: checks spread so that a ready result waits under 2 s', async () => {
		const figures = await simulate({ documents: 300, processingMs: 20_000, spread: 0.3, model: 'sim-20s' });
		expectWithinLimits(figures);
		expect(figures.wallMs).toBeLessThanOrEqual(1.05 * figures.floorMs);
		expect(percentile(figures.readyToFetchedMs, 95)).toBeLessThanOrEqual(2_000);
	}, 120_000);

	it('300 documents at 3 s: each found done as soon as the first ones taught how long they take', async () => {
		const figures = await simulate({ documents: 300, processingMs: 3_000, spread: 0, model: 'sim-3s' });
		expectWithinLimits(figures);
		expect(figures.wallMs).toBeLessThanOrEqual(1.05 * figures.floorMs);
		expect(percentile(figures.readyToFetchedMs, 50)).toBeLessThanOrEqual(250);
		expect(percentile(figures.readyToFetchedMs, 95)).toBeLessThanOrEqual(500);
	}, 120_000);

	it("300 documents at 3–4.5 s with Mindee's rough edges: a failed read costs its job a second, no more", async () => {
		const figures = await simulate({
			documents: 300,
			processingMs: 3_750,
			spread: 0.2,
			model: 'sim-rough',
			faults: { getErrorRate: 0.1, jobNotFoundForMs: 1_000 },
		});
		expectWithinLimits(figures);
		expect(figures.wallMs).toBeLessThanOrEqual(1.1 * figures.floorMs);
		expect(percentile(figures.readyToFetchedMs, 95)).toBeLessThanOrEqual(2_000);
	}, 120_000);
});
