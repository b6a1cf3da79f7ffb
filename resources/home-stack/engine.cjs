/**
 * Package-time bridge for the Step Functions engine: osls resolves
 * `${file(resources/home-stack/engine.cjs):stateMachines}` through this CommonJS file, which checks the stage's
 * custom.engine params and hands them to resources/home-stack/engine/state-machine.ts (loaded through tsx),
 * which fills them into the definition, engine/state-machine.asl.yml.
 * Nothing here calls AWS, so packaging needs no credentials.
 */
const { require: tsxRequire } = require('tsx/cjs/api');

const { engineStateMachines, engineRoleResources } = tsxRequire(
  './engine/state-machine.ts',
  __filename,
);

function wholeNumber(name, value, min, max) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(
      `custom.engine.${name} is "${value}"; expected a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

async function stateMachines({ resolveVariable }) {
  return engineStateMachines({
    service: await resolveVariable('self:service'),
    stage: await resolveVariable('sls:stage'),
    maxConcurrency: wholeNumber(
      'maxConcurrency',
      await resolveVariable('self:custom.engine.maxConcurrency'),
      1,
      10000,
    ),
    maxChecks: wholeNumber(
      'maxChecks',
      await resolveVariable('self:custom.engine.maxChecks'),
      0,
      1000,
    ),
    waitSeconds: wholeNumber(
      'waitSeconds',
      await resolveVariable('self:custom.engine.waitSeconds'),
      1,
      3600,
    ),
  });
}

async function roleResources({ resolveVariable }) {
  return engineRoleResources({
    service: await resolveVariable('self:service'),
    stage: await resolveVariable('sls:stage'),
  });
}

module.exports = { stateMachines, roleResources };
