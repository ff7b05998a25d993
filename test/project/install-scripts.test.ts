import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const read = (name: string) => JSON.parse(readFileSync(new URL(name, root), 'utf8'));
const Install = suite('package.json: a fresh npm ci runs only reviewed install scripts');

Install('every locked package with an install script is named in allowScripts', () => {
  const allowed: Record<string, boolean> = read('package.json').allowScripts ?? {};
  const packages: Record<string, { version: string; hasInstallScript?: boolean }> = read('package-lock.json').packages;
  const withScripts = Object.entries(packages).filter(([path, p]) => path !== '' && p.hasInstallScript);
  assert.ok(withScripts.length > 0, 'esbuild has a postinstall script: the lock file should say so');
  for (const [path, p] of withScripts) {
    const name = path.replace(/^.*node_modules\//, '');
    assert.ok(allowed[name] !== undefined || allowed[`${name}@${p.version}`] !== undefined, `${name}@${p.version} is not in allowScripts (npm install-scripts approve ${name})`);
  }
});

Install.run();
