// tsc emits only JavaScript; this copies the SVG icons into dist/ at the same relative paths,
// so `file:` icon references resolve identically in the sources and in the published package.
const { task, src, dest } = require('gulp');

task('build:icons', () =>
	src(['icons/**/*.svg', 'nodes/**/*.svg', 'credentials/**/*.svg'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist')),
);
