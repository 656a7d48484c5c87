// Build steps around tsc: empty dist/ first (so files of a moved or deleted source never ship),
// then copy what tsc does not emit (icons) next to the compiled nodes and credentials.
const { rmSync } = require('fs');
const { src, dest, task } = require('gulp');

task('clean', async () => rmSync('dist', { recursive: true, force: true }));

task('build:assets', () => src(['icons/**/*.svg', 'nodes/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist')));
