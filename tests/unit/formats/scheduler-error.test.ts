/**
 * Every error the product throws on purpose is a SchedulerError: one `code` (also its `name`,
 * which Lambda reports as errorType and Step Functions' Retry/Catch match on), a message, and
 * the error it was raised while handling as ES2022 `cause`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SchedulerError } from '../../../handlers/formats/scheduler-error';
import { REPO_ROOT } from '../../../scripts/shared/repo-root';

const HANDLERS = path.join(REPO_ROOT, 'handlers');

/** The product's error classes today; a new one joins this list and the base. */
const PRODUCT_ERRORS = [
  'BatchOutOfRangeError',
  'ExecutionAlreadyExistsError',
  'FilterLimitError',
  'GuardNotPendingError',
  'InvalidConfigurationError',
  'InvalidRequestError',
  'InvalidScheduledTimeError',
  'InvalidStateMachineArnError',
  'MissingEnvironmentError',
  'PauseSwitchUnreadableError',
  'ResourceLimitError',
  'RulesNotSupportedError',
  'StagePausedError',
  'TooManyTargetsError',
  'UnapprovedWorkItemError',
  'UnknownTargetError',
  'UnreportableRunError',
];

type ErrorClass = abstract new (...args: never[]) => Error;

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && value.prototype instanceof Error;
}

/** Exported error classes of a module that do not extend SchedulerError, by export name. */
function outsideTheBase(moduleExports: Record<string, unknown>): string[] {
  return Object.entries(moduleExports)
    .filter(
      ([, value]) =>
        isErrorClass(value) &&
        value !== SchedulerError &&
        !(value.prototype instanceof SchedulerError),
    )
    .map(([name]) => name);
}

/** handlers/**\/*.ts files that export a class (the only way an error class gets out). */
function filesExportingClasses(): string[] {
  const entries = readdirSync(HANDLERS, { recursive: true, encoding: 'utf8' });
  return entries
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(HANDLERS, file))
    .filter((file) => /^export class \w+/m.test(readFileSync(file, 'utf8')));
}

describe('SchedulerError', () => {
  it('carries its code as code and name, its message, and the cause it was given', () => {
    // Prepare
    const cause = new Error('ThrottlingException: Rate exceeded');

    // Act
    const error = new SchedulerError('ExampleError', 'what is wrong; what to do', { cause });

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ExampleError');
    expect(error.name).toBe('ExampleError');
    expect(error.message).toBe('what is wrong; what to do');
    expect(error.cause).toBe(cause);
  });

  it('leaves cause undefined when none is given', () => {
    // Act
    const error = new SchedulerError('ExampleError', 'message');

    // Assess
    expect(error.cause).toBeUndefined();
    expect(Object.hasOwn(error, 'cause')).toBe(false);
  });

  it('keeps a chain of causes walkable to the first error', () => {
    // Prepare
    const root = new Error('AccessDeniedException');
    const middle = new SchedulerError('MiddleError', 'middle', { cause: root });

    // Act
    const top = new SchedulerError('TopError', 'top', { cause: middle });
    const chain: unknown[] = [];
    for (let e: unknown = top; e instanceof Error; e = e.cause) chain.push(e);

    // Assess
    expect(chain).toEqual([top, middle, root]);
  });

  it('the check finds a planted error class that extends Error directly', () => {
    // Prepare
    class PlantedError extends Error {}
    class GoodError extends SchedulerError {}
    const planted = { PlantedError, GoodError, notAClass: 1, helper: () => 1 };

    // Act
    const found = outsideTheBase(planted);

    // Assess
    expect(found).toEqual(['PlantedError']);
  });

  it('every exported error class in handlers/ extends SchedulerError, with its name as code', async () => {
    // Prepare
    const files = filesExportingClasses();

    // Act
    const outside: string[] = [];
    const products: string[] = [];
    const codedByName: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const moduleExports = (await import(file)) as Record<string, unknown>;
      outside.push(...outsideTheBase(moduleExports).map((name) => `${name} (${file})`));
      for (const [name, value] of Object.entries(moduleExports)) {
        if (!isErrorClass(value) || !(value.prototype instanceof SchedulerError)) continue;
        products.push(name);
        // The class hands its own name to the base as its code.
        const declaration = new RegExp(
          `class ${name} extends SchedulerError \\{(?:(?!\\bclass )[\\s\\S])*?super\\(\\s*'${name}',`,
        );
        if (declaration.test(source)) codedByName.push(name);
      }
    }

    // Assess
    expect(outside).toEqual([]);
    expect(products.sort()).toEqual(PRODUCT_ERRORS);
    expect(codedByName.sort()).toEqual(PRODUCT_ERRORS);
  });
});
