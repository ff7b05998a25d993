/**
 * log-opts, checked by dockerd only at start-up (logger.ValidateLogOpts, when log-opts is set): the
 * logging mode, max-buffer-size, and for the json-file (default) and local drivers the option names.
 * A typo such as "max_size" passes `dockerd --validate` and then stops the daemon.
 */
import { suggestKey } from './suggest.ts';
import { isObject } from './value.ts';
import { issue, str, type Rule, type RuleIssue, SIZE } from './rule-kit.ts';

const COMMON = ['mode', 'max-buffer-size', 'cache-disabled', 'cache-max-size', 'cache-max-file', 'cache-compress'];
const DRIVER_KEYS: Readonly<Record<string, readonly string[]>> = {
  'json-file': ['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'],
  local: ['max-file', 'max-size', 'compress'],
};

const logOpts: Rule = ({ config }) => {
  const opts = config['log-opts'];
  if (!isObject(opts)) return [];
  const driver = str(config, 'log-driver') || 'json-file';
  if (driver === 'none') return [];
  const out: RuleIssue[] = [];
  const at = (key: string) => `/log-opts/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const mode = typeof opts.mode === 'string' ? opts.mode : '';
  if (!['', 'blocking', 'non-blocking'].includes(mode)) out.push(issue(at('mode'), 'log-opts', `logging mode "${mode}" is not supported; use blocking or non-blocking (at start-up)`));
  const buffer = opts['max-buffer-size'];
  if (typeof buffer === 'string') {
    if (mode !== 'non-blocking') out.push(issue(at('max-buffer-size'), 'log-opts', 'max-buffer-size needs "mode": "non-blocking" (at start-up)', 'error', 'key'));
    else if (!SIZE.test(buffer)) out.push(issue(at('max-buffer-size'), 'log-opts', `max-buffer-size ${JSON.stringify(buffer)} is not a size such as "4m" (at start-up)`));
  }
  const known = DRIVER_KEYS[driver];
  if (!known) return out; // other drivers validate their own options; we do not know them all
  for (const key of Object.keys(opts)) {
    if (COMMON.includes(key) || known.includes(key)) continue;
    const hint = suggestKey(key, [...known, ...COMMON]);
    out.push(issue(at(key), 'log-opts', `unknown log opt "${key}" for the ${driver} log driver; dockerd refuses it at start-up` + (hint ? `; did you mean "${hint}"?` : ''), 'error', 'key'));
  }
  return out;
};

/** The drivers dockerd v28 builds in on Linux (daemon/logdrivers_linux.go), and "none". */
export const BUILT_IN_LOG_DRIVERS = ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'none', 'splunk', 'syslog'];

/**
 * Any other name must be a logging plugin. `dockerd --validate` never looks: with log-opts set the
 * daemon refuses to start without the plugin, otherwise every container start fails. We do not look
 * at the host either, so a plugin-shaped name ("grafana/loki-docker-driver:latest") passes and a bare
 * unknown one is a warning, with the built-in driver it was probably meant to be.
 */
const logDriver: Rule = ({ config }) => {
  const driver = str(config, 'log-driver');
  if (!driver || BUILT_IN_LOG_DRIVERS.includes(driver) || /[/:]/.test(driver)) return [];
  const hint = suggestKey(driver, BUILT_IN_LOG_DRIVERS);
  const consequence = isObject(config['log-opts']) && Object.keys(config['log-opts']).length > 0
    ? 'dockerd refuses to start' : 'every container fails to start';
  return [issue('/log-driver', 'log-driver', `"${driver}" is not a log driver built into dockerd: ${consequence} unless a logging plugin of that name is installed` +
    (hint ? `; did you mean "${hint}"?` : ''), 'warning')];
};

export const loggingRules: readonly Rule[] = [logDriver, logOpts];
