/** The fast test set alone (see jest.config.js at the top): `npm test`. */
const { projects } = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = { ...projects.find((project) => project.displayName === 'fast'), rootDir: '..' };
