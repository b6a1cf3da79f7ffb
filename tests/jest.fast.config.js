/** The fast test set alone (see jest.config.js at the top): `npm test`. */
const { projects } = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...projects.find((project) => project.displayName === 'fast'),
  rootDir: '..',
  // One worker per core: Jest's default keeps a core for its main process, which only waits
  // here, so on 2 cores the set ran in one worker (56 s against 39 s with two).
  maxWorkers: '100%',
};
