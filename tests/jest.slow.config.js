/** The slow test set alone (see jest.config.js at the top): `npm run test:slow`. */
const { projects } = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = { ...projects.find((project) => project.displayName === 'slow'), rootDir: '..' };
