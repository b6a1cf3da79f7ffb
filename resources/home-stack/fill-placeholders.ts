/**
 * Fills a definition read from a file (the engine's ASL) with a stage's values: a string that is
 * exactly `{{name}}` becomes the value itself (a number stays a number, a list a list); a
 * `{{name}}` inside a longer string becomes its text. A placeholder with no value, or a value
 * no placeholder uses, is a mistake in the file or its filler, so both throw, naming the name.
 */
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{(\w+)\}\}$/;

export type PlaceholderValues = Readonly<Record<string, unknown>>;

export function fillPlaceholders(template: unknown, values: PlaceholderValues, source: string) {
  const used = new Set<string>();
  const valueNamed = (name: string): unknown => {
    if (!Object.hasOwn(values, name)) {
      throw new Error(
        `${source} has the placeholder {{${name}}}, which has no value; give it one where the file is filled, or remove it`,
      );
    }
    used.add(name);
    return values[name];
  };
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = WHOLE_PLACEHOLDER.exec(node);
      // A copy: the filled definition shares no object with the values or another placeholder.
      if (whole?.[1] !== undefined) return structuredClone(valueNamed(whole[1]));
      return node.replace(PLACEHOLDER, (_match, name: string) => String(valueNamed(name)));
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    }
    return node;
  };
  const filled = fill(template);
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) {
    throw new Error(
      `${source} has no placeholder for ${unused.map((name) => `{{${name}}}`).join(', ')}; use it in the file or stop passing it`,
    );
  }
  return filled;
}
