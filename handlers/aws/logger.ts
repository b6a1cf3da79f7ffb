import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger of the function. Service name and level come from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_LOG_LEVEL (serverless.yml), so nothing is configured here.
 */
export const logger = new Logger();
