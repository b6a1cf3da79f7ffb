/** Minimal XML writing: enough for AWS's query-protocol responses, always escaped. */

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>value</name>`, or nothing when the value is absent (AWS omits unset fields). */
export function leaf(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>…children…</name>` from already-rendered children. */
export function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** EC2's list shape: `<name><item>…</item><item>…</item></name>`. */
export function itemList(name: string, items: readonly string[]): string {
  return node(name, ...items.map((item) => node('item', item)));
}
