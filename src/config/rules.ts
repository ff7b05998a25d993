/**
 * Semantic rules the schema cannot say, run on the decoded value. Each rule is a pure function that
 * returns issues addressed by JSON pointer; validate.ts turns pointers into line:column. A rule only
 * looks at values of the right type: type mistakes are the schema's to report.
 */
import { engineRules } from './rules-engine.ts';
import { extraStorageRules } from './rules-extra-storage.ts';
import { imageStoreRules } from './rules-image-store.ts';
import { platformRules } from './rules-platform.ts';
import { loggingRules } from './rules-logging.ts';
import { runtimeRules } from './rules-runtime.ts';
import { v29Rules } from './rules-v29.ts';
import type { Rule, RuleContext, RuleIssue } from './rule-kit.ts';

export const rules: readonly Rule[] = [...engineRules, ...platformRules, ...runtimeRules, ...loggingRules, ...extraStorageRules, ...imageStoreRules, ...v29Rules];

export function runRules(ctx: RuleContext): RuleIssue[] {
  return rules.flatMap((rule) => rule(ctx));
}

