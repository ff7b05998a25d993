/**
 * Which top-level daemon.json keys dockerd accepts, read from its flag definitions (cmd/dockerd):
 * the engine looks each file key up as a flag name, or as the name of a "named option" (a flag whose
 * file key differs, e.g. --label → "labels"). A json tag that is neither is refused with "the
 * following directives don't match any configuration option": schema:check compares that with the
 * schema's x-engine-rejects marks.
 */

export interface EngineFlags {
  flags: Set<string>;
  namedOptions: Set<string>;
}

/** Flag names and named-option names from Go sources of cmd/dockerd and opts. */
export function parseEngineFlags(sources: readonly string[]): EngineFlags {
  const constants = new Map<string, string>();
  for (const src of sources) for (const m of src.matchAll(/\b(Flag\w+)\s*=\s*"([a-z0-9-]+)"/g)) constants.set(m[1] as string, m[2] as string);
  const flags = new Set<string>();
  const namedOptions = new Set<string>();
  for (const src of sources) {
    // flags.XxxVar(&v, "name", ...), flags.XxxVarP(&v, "name", "s", ...), flags.Var(value, "name", ...), flags.XxxVar(&v, FlagTLS, ...)
    for (const m of src.matchAll(/flags\.\w+\(\s*(?:[^,()"]|\([^()]*(?:\([^()]*\)[^()]*)*\))+,\s*(?:"([a-z0-9-]+)"|(Flag\w+))\s*,/g)) {
      const name = m[1] ?? constants.get(m[2] as string);
      if (name) flags.add(name);
    }
    // flags.Bool("name", ...), flags.BoolP("name", "s", ...): the name comes first.
    for (const m of src.matchAll(/flags\.(?:Bool|String|Int|Int64|Duration|StringSlice)P?\(\s*"([a-z0-9-]+)"/g)) flags.add(m[1] as string);
    for (const m of src.matchAll(/NewNamed\w+\(\s*"([a-z0-9-]+)"/g)) namedOptions.add(m[1] as string);
    for (const m of src.matchAll(/\)\s*Name\(\)\s*string\s*\{\s*return\s*"([a-z0-9-]+)"/g)) namedOptions.add(m[1] as string);
  }
  return { flags, namedOptions };
}

/** True when dockerd accepts `key` at the top level of daemon.json (see findConfigurationConflicts). */
export function engineAcceptsKey(key: string, engine: EngineFlags, skipValidate: ReadonlySet<string>): boolean {
  return engine.flags.has(key) || engine.namedOptions.has(key) || skipValidate.has(key);
}
