/**
 * The contract validates with zod/mini: classic zod's schema classes carry every method (JSON
 * Schema export among them) and cannot be tree-shaken, which cost the bundle about 72 KB.
 * zod/mini ships no messages of its own, so this loads the English ones classic zod loads by
 * default; import it before building a schema.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());
