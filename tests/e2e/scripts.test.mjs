// The serving scripts: local-only unless a teacher asks for the network on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { serve } from '../../scripts/serve-static.mjs';

test('the static server binds 127.0.0.1 unless told otherwise', async () => {
  const local = await serve('dist', 0);
  assert.equal(local.address().address, '127.0.0.1');
  local.close();
  const all = await serve('dist', 0, '0.0.0.0');
  assert.equal(all.address().address, '0.0.0.0');
  all.close();
});

test('serve.sh rejects options it does not know, before any set-up work', () => {
  const bad = spawnSync('bash', ['scripts/serve.sh', '--hots', '0.0.0.0'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option --hots/);
  const missing = spawnSync('bash', ['scripts/serve.sh', '--host'], { encoding: 'utf8' });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /--host needs an address/);
});
