/**
 * CPU profile of n8n's main thread for `npm run bench:trigger` (Node refuses --cpu-prof in
 * NODE_OPTIONS, and n8n's node binary is a shim that starts the real one):
 *
 *   BENCH_PROFILE_DIR=/tmp/profiles npm run bench:trigger -- --versions 2.41.1 --rounds 3
 *
 * The bench then starts n8n with NODE_OPTIONS=--require <this file>; in the `n8n start` process
 * this records from start-up to exit and writes <dir>/n8n-<version>-<pid>.cpuprofile (open it in
 * Chrome DevTools → Performance, or read its nodes/samples/timeDeltas). Other n8n commands and
 * the shim are left alone.
 */
const argv = process.argv;
if (
	process.env.BENCH_PROFILE_DIR &&
	argv.includes('start') &&
	typeof argv[1] === 'string' &&
	argv[1].endsWith('n8n/bin/n8n')
) {
	const inspector = require('inspector');
	const fs = require('fs');
	const path = require('path');
	const session = new inspector.Session();
	session.connect();
	session.post('Profiler.enable');
	session.post('Profiler.setSamplingInterval', { interval: 250 });
	session.post('Profiler.start');
	process.on('exit', () => {
		// The inspector answers synchronously in this thread, so the file is written before exit.
		session.post('Profiler.stop', (error, result) => {
			if (error) return;
			const version = path.basename(path.resolve(argv[1], '..', '..', '..', '..'));
			fs.writeFileSync(
				path.join(process.env.BENCH_PROFILE_DIR, `${version}-${process.pid}.cpuprofile`),
				JSON.stringify(result.profile),
			);
		});
	});
}
