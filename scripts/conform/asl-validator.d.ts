/** asl-validator 4 ships no types; this is the part of its API the conformance check calls. */
declare module 'asl-validator' {
  interface AslError {
    'Error code': string;
    Message: string;
    schemaError?: { instancePath?: string };
  }
  interface AslResult {
    isValid: boolean;
    errors: AslError[];
    errorsText: (separator?: string) => string;
  }
  function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslResult;
  export default validator;
}
