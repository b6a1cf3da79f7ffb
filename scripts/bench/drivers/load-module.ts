/**
 * Child process: times one `require` of a module in a fresh process and reports it. Nothing else
 * is loaded first, so the time is what a cold container spends loading that code.
 */
const file = process.argv[2];
if (!file) throw new Error('usage: load-module <file>');
const started = process.hrtime.bigint();
require(file);
const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
process.send?.({ loadMs }, () => process.exit(0));
