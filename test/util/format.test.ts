import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelSize } from '../../src/index.ts';

test('modelSize writes a parameter count as model names do', () => {
  assert.deepEqual([7e9, 1.5e9, 5e8, 3.5e8, 1.25e8, 401_344, 102_208, 950].map((s) => modelSize(s)), ['7B', '1.5B', '0.5B', '350M', '125M', '401k', '102k', '950']);
  assert.equal(modelSize(102_208, 4), '102.2k');
  assert.equal(modelSize(7.615e9, 4), '7.615B');
});
