// Copies what tsc does not emit (icons) into dist/, next to the compiled nodes and credentials.
const { src, dest, task } = require('gulp');

task('build:assets', () => src(['icons/**/*.svg', 'nodes/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist')));
