/** One way a template or policy file departs from what AWS publishes. */
export type Category = 'cfn-schema' | 'cfn-reference' | 'name' | 'asl' | 'iam' | 'integration';

export interface Finding {
  category: Category;
  /** What was checked: `stage prod`, `stage prod (custom.engine.runSchedules: true)`, a file. */
  subject: string;
  /** Where inside it: a logical ID and property path, a statement, a state. */
  where: string;
  message: string;
}

export type Check<T> = (input: T) => Finding[] | Promise<Finding[]>;
