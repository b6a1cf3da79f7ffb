/** The slow test set alone (see jest.config.js at the top): `npm run test:slow`. */
const { projects } = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...projects.find((project) => project.displayName === 'slow'),
  rootDir: '..',
  // A suite whose setup failed can leave a local endpoint listening; CI must then end red, not
  // wait for it until its own timeout. Passing suites close everything (afterAll).
  forceExit: true,
};
