/**
 * The engine lines validate-config knows: each has its own schema (schemas/daemon.<line>.schema.json)
 * and its own generated validator, and rules that differ between lines read the line from their context.
 */
export const ENGINE_LINES = ['v28', 'v29'] as const;

export type EngineLine = (typeof ENGINE_LINES)[number];

/** What validate-config checks against when no --engine is given: the current line. */
export const NEWEST_LINE: EngineLine = 'v29';

export function isEngineLine(value: string): value is EngineLine {
  return (ENGINE_LINES as readonly string[]).includes(value);
}
