/**
 * The form-encoded parameters of an awsQuery / ec2Query request (`Action=…&Version=…&InstanceId.1=…`).
 * Lists are numbered from 1; EC2 flattens them (`InstanceId.1`), STS nests them (`Tags.member.1`).
 */
export class QueryParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** Later sources win a name given in more than one. */
  static parse(...formEncoded: string[]): QueryParams {
    return new QueryParams(new Map(formEncoded.flatMap((form) => [...new URLSearchParams(form)])));
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /**
   * `true` only for the literal `true`. Any value other than `true`/`false` has been refused
   * before a handler runs (request-shape.ts), so a typo can never read as `false`.
   */
  bool(name: string): boolean {
    return this.values.get(name) === 'true';
  }

  /** Every parameter name, in the order received. */
  names(): string[] {
    return [...this.values.keys()];
  }

  /** Values of `<prefix>.1`, `<prefix>.2`, … in index order. */
  list(prefix: string): string[] {
    return this.indexedUnder(prefix)
      .filter((entry) => entry.rest === '')
      .map((entry) => entry.value);
  }

  /** EC2 tags: `<prefix>.N.Key` with an optional `<prefix>.N.Value`, in index order. */
  tags(prefix: string): Array<{ key: string; value?: string }> {
    const byIndex = new Map<number, { key?: string; value?: string }>();
    for (const { index, rest, value } of this.indexedUnder(prefix)) {
      const tag = byIndex.get(index) ?? {};
      byIndex.set(index, tag);
      if (rest === '.Key') tag.key = value;
      if (rest === '.Value') tag.value = value;
    }
    return [...byIndex.values()].flatMap((tag) =>
      tag.key === undefined
        ? []
        : [{ key: tag.key, ...(tag.value !== undefined ? { value: tag.value } : {}) }],
    );
  }

  /** EC2 filters: `Filter.N.Name` with `Filter.N.Value.M`. */
  filters(): Array<{ name: string; values: string[] }> {
    const byIndex = new Map<number, { name?: string; values: Array<[number, string]> }>();
    for (const { index, rest, value } of this.indexedUnder('Filter')) {
      const filter = byIndex.get(index) ?? { values: [] };
      byIndex.set(index, filter);
      if (rest === '.Name') filter.name = value;
      const valueMatch = /^\.Value\.(\d+)$/.exec(rest);
      if (valueMatch?.[1]) filter.values.push([Number(valueMatch[1]), value]);
    }
    return [...byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, filter]) => ({
        name: filter.name ?? '',
        values: filter.values.sort(([a], [b]) => a - b).map(([, value]) => value),
      }));
  }

  /** awsQuery filters (RDS): `Filters.Filter.N.Name` with `Filters.Filter.N.Values.Value.M`. */
  memberFilters(): Array<{ name: string; values: string[] }> {
    const byIndex = new Map<number, { name?: string; values: Array<[number, string]> }>();
    for (const { index, rest, value } of this.indexedUnder('Filters\\.Filter')) {
      const filter = byIndex.get(index) ?? { values: [] };
      byIndex.set(index, filter);
      if (rest === '.Name') filter.name = value;
      const valueMatch = /^\.Values\.Value\.(\d+)$/.exec(rest);
      if (valueMatch?.[1]) filter.values.push([Number(valueMatch[1]), value]);
    }
    return [...byIndex.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, filter]) => ({
        name: filter.name ?? '',
        values: filter.values.sort(([a], [b]) => a - b).map(([, value]) => value),
      }));
  }

  private indexedUnder(prefix: string): Array<{ index: number; rest: string; value: string }> {
    const pattern = new RegExp(`^${prefix}\\.(\\d+)(.*)$`);
    const found: Array<{ index: number; rest: string; value: string }> = [];
    for (const [key, value] of this.values) {
      const match = pattern.exec(key);
      if (match?.[1] !== undefined)
        found.push({ index: Number(match[1]), rest: match[2] ?? '', value });
    }
    return found.sort((a, b) => a.index - b.index);
  }
}
