/**
 * Package-time bridge for the Step Functions engine: osls resolves
 * `${file(scripts/engine.cjs):stateMachines}` through this CommonJS file, which hands the stage's
 * engine params to the typed builder (scripts/lib/engine/state-machine.ts, loaded through tsx).
 * Nothing here calls AWS, so packaging needs no credentials.
 */
const { require: tsxRequire } = require('tsx/cjs/api');

const { engineStateMachines } = tsxRequire('./lib/engine/state-machine.ts', __filename);

function wholeNumber(name, value, min, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`params.${name} is "${value}"; expected a whole number from ${min} to ${max}`);
  }
  return n;
}

async function stateMachines({ resolveVariable }) {
  return engineStateMachines({
    service: await resolveVariable('self:service'),
    stage: await resolveVariable('sls:stage'),
    maxConcurrency: wholeNumber(
      'engineMaxConcurrency',
      await resolveVariable('param:engineMaxConcurrency'),
      1,
      10000,
    ),
    toleratedFailurePercentage: wholeNumber(
      'engineToleratedFailurePercentage',
      await resolveVariable('param:engineToleratedFailurePercentage'),
      0,
      100,
    ),
  });
}

module.exports = { stateMachines };
